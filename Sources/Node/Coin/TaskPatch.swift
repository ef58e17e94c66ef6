/// Staff's corrections to a task (`PATCH /tasks/{id}`); nil leaves a field as it is. The reward
/// and the period's start are not among them: residents may have claimed, and staff approved,
/// on the terms announced. Setting `periodEnd` to a day already past closes the task.
public struct TaskPatch: Sendable, Equatable {
    public var title: String?
    public var description: String?
    public var capacity: Int64?
    public var periodEnd: String?
    /// `.some(nil)` clears the location (JSON `null`); nil keeps it.
    public var location: String??

    public init(title: String? = nil, description: String? = nil, capacity: Int64? = nil, periodEnd: String? = nil,
                location: String?? = nil) {
        self.title = title
        self.description = description
        self.capacity = capacity
        self.periodEnd = periodEnd
        self.location = location
    }

    /// A patch without fields is a client mistake (400), not a no-op worth an audit entry.
    var isEmpty: Bool {
        title == nil && description == nil && capacity == nil && periodEnd == nil && location == nil
    }

    /// The task with this patch applied, or the rule the result would break. Capacity below the
    /// approved claims would undo payments already made; an end before the start is no period.
    func applied(to task: ParticipationTask) throws(LedgerError) -> ParticipationTask {
        let capacity = capacity ?? task.capacity
        guard capacity >= task.approvedClaims else {
            throw .capacityBelowApproved(id: task.id, capacity: capacity, approvedClaims: task.approvedClaims)
        }
        let periodEnd = periodEnd ?? task.periodEnd
        guard periodEnd >= task.periodStart else {
            throw .invalid([InvalidParam(name: "periodEnd", code: "invalid",
                                         reason: "must not be before the task's periodStart (\(task.periodStart))")])
        }
        return ParticipationTask(id: task.id, title: title ?? task.title, description: description ?? task.description,
                                 rewardCents: task.rewardCents, capacity: capacity, approvedClaims: task.approvedClaims,
                                 periodStart: task.periodStart, periodEnd: periodEnd, location: location ?? task.location,
                                 createdAt: task.createdAt)
    }
}
