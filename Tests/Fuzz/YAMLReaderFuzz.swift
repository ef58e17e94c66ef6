// libFuzzer target for YAMLReader, built by `Tests/Fuzz/run-fuzz.sh yaml-reader SECONDS` together
// with Sources/Schemas/YAML and SchemaLimits.swift, so it sees the reader's internals as one module.

/// Reads the input as bytes and as a string, under tight limits and default ones, and checks that
/// nothing crashes, errors point into the input, every tree respects the limits and has unique
/// keys, and that a tree written back out (as block YAML and as one-line flow YAML, every
/// scalar double-quoted) reads back to the same tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lineCount = bytes.filter { $0 == 0x0A || $0 == 0x0D }.count + 1
    for limits in [YAMLReader.Limits(maxBytes: 4_096, maxDepth: 4), YAMLReader.Limits()] {
        let fromBytes = outcome { () throws(YAMLError) in try YAMLReader.read(bytes, limits: limits) }
        precondition(fromBytes == outcome { () throws(YAMLError) in try YAMLReader.read(bytes, limits: limits) }, "reading is not deterministic")
        if let text = String(validating: bytes, as: UTF8.self) {
            let fromText = outcome { () throws(YAMLError) in try YAMLReader.read(text, limits: limits) }
            precondition(fromText == fromBytes, "bytes and string disagree")
        }
        switch fromBytes {
        case .failure(let error):
            precondition(error.line >= 1 && error.column >= 1, "an error position below 1")
            precondition(error.line <= lineCount, "an error beyond the last line")
            precondition(!error.message.isEmpty, "an error without a message")
        case .success(let node):
            precondition(depth(of: node) <= limits.maxDepth, "a tree deeper than maxDepth")
            checkKeysAreUnique(node)
            let roomy = YAMLReader.Limits(maxBytes: Int.max, maxDepth: limits.maxDepth)
            let block = blockYAML(node, indent: 0)
            precondition(styleless(try? YAMLReader.read(block, limits: roomy)) == styleless(node), "block form did not read back:\n\(block)")
            let flow = flowYAML(node)
            precondition(styleless(try? YAMLReader.read(flow, limits: roomy)) == styleless(node), "flow form did not read back:\n\(flow)")
        }
    }
    return 0
}

private func outcome(_ body: () throws(YAMLError) -> YAMLNode) -> Result<YAMLNode, YAMLError> {
    do { return .success(try body()) } catch { return .failure(error) }
}

/// Collection nesting, counted as the reader counts it.
private func depth(of node: YAMLNode) -> Int {
    switch node {
    case .scalar: 0
    case .sequence(let items): 1 + (items.map(depth(of:)).max() ?? 0)
    case .mapping(let entries): 1 + (entries.map { depth(of: $0.value) }.max() ?? 0)
    }
}

private func checkKeysAreUnique(_ node: YAMLNode) {
    switch node {
    case .scalar: break
    case .sequence(let items): items.forEach(checkKeysAreUnique)
    case .mapping(let entries):
        precondition(Set(entries.map(\.key)).count == entries.count, "duplicate keys in a mapping")
        entries.forEach { checkKeysAreUnique($0.value) }
    }
}

/// The tree with every scalar's style dropped (nulls stay nulls), for comparing written-back trees.
private indirect enum Shape: Equatable {
    case null
    case text(String)
    case list([Shape])
    case map([String], [Shape])
}

private func styleless(_ node: YAMLNode?) -> Shape? {
    guard let node else { return nil }
    switch node {
    case .scalar(let text, _): return node.isNull ? .null : .text(text)
    case .sequence(let items): return .list(items.map { styleless($0)! })
    case .mapping(let entries): return .map(entries.map(\.key), entries.map { styleless($0.value)! })
    }
}

/// A double-quoted scalar that escapes everything but printable ASCII, so any text survives.
private func quoted(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case " "..."~": result.unicodeScalars.append(scalar)
        default:
            let hex = String(scalar.value, radix: 16)
            result += "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
        }
    }
    return result + "\""
}

private func scalarText(_ node: YAMLNode) -> String {
    node.isNull ? "~" : quoted(node.string ?? "")
}

private func blockYAML(_ node: YAMLNode, indent: Int) -> String {
    let pad = String(repeating: " ", count: indent)
    switch node {
    case .scalar: return pad + scalarText(node) + "\n"
    case .sequence(let items) where items.isEmpty: return pad + "[]\n"
    case .mapping(let entries) where entries.isEmpty: return pad + "{}\n"
    case .sequence(let items):
        return items.map { item in
            if case .scalar = item { return pad + "- " + scalarText(item) + "\n" }
            return pad + "-\n" + blockYAML(item, indent: indent + 2)
        }.joined()
    case .mapping(let entries):
        return entries.map { entry in
            if case .scalar = entry.value { return pad + quoted(entry.key) + ": " + scalarText(entry.value) + "\n" }
            return pad + quoted(entry.key) + ":\n" + blockYAML(entry.value, indent: indent + 2)
        }.joined()
    }
}

private func flowYAML(_ node: YAMLNode) -> String {
    switch node {
    case .scalar: return scalarText(node)
    case .sequence(let items): return "[" + items.map(flowYAML).joined(separator: ", ") + "]"
    case .mapping(let entries): return "{" + entries.map { quoted($0.key) + ": " + flowYAML($0.value) }.joined(separator: ", ") + "}"
    }
}
