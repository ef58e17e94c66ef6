/// Reads the YAML that publiccode.yml files use, and refuses the rest with a line and column.
///
/// Supported: one document, optionally opened by `---` (on a line of its own) and closed by
/// `...`; block mappings and block sequences, including sequences of mappings (`- name: x`) and
/// a sequence as a mapping value at the key's own indentation; plain, single-quoted and
/// double-quoted scalars (all YAML 1.2 escapes), over several lines with YAML's line folding;
/// literal `|` and folded `>` block scalars with chomping (`-`, `+`) and indentation (`1`-`9`)
/// indicators; flow sequences and mappings (`[a, b]`, `{a: 1}`, nested) that open and close on one
/// line; comments; CRLF line ends and a leading byte order mark.
///
/// Refused: anchors `&`, aliases `*`, tags `!`, directives `%`, complex keys `?`, multi-line flow
/// collections, several documents, tabs in indentation, duplicate keys (compared as Swift
/// strings, so canonically equivalent spellings count as one key), non-printable characters,
/// input over `Limits.maxBytes` and nesting over `Limits.maxDepth`.
///
/// Scalars stay text (see `YAMLScalarStyle`). This file and `YAMLNode.swift` depend only on
/// `SchemaLimits`, so the fuzz target compiles them alone.
public enum YAMLReader {
    public struct Limits: Sendable {
        public var maxBytes: Int
        public var maxDepth: Int

        public init(maxBytes: Int = SchemaLimits.maxYAMLBytes, maxDepth: Int = SchemaLimits.maxYAMLDepth) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
        }
    }

    public static func read(_ text: String, limits: Limits = Limits()) throws(YAMLError) -> YAMLNode {
        guard text.utf8.count <= limits.maxBytes else {
            throw YAMLError(line: 1, column: 1, message: "the file is larger than \(limits.maxBytes) bytes")
        }
        var parser = try YAMLParser(text: text, limits: limits)
        return try parser.parseDocument()
    }

    /// Reads UTF-8 bytes; invalid UTF-8 is an error at its line and column.
    public static func read(_ bytes: some Collection<UInt8>, limits: Limits = Limits()) throws(YAMLError) -> YAMLNode {
        guard bytes.count <= limits.maxBytes else {
            throw YAMLError(line: 1, column: 1, message: "the file is larger than \(limits.maxBytes) bytes")
        }
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8.ForwardParser()
        var scalars = String.UnicodeScalarView()
        var line = 1
        var column = 1
        decoding: while true {
            switch decoder.parseScalar(from: &iterator) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                scalars.append(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break decoding
            case .error:
                throw YAMLError(line: line, column: column, message: "the file is not valid UTF-8")
            }
        }
        return try read(String(scalars), limits: limits)
    }
}

private typealias Line = [Unicode.Scalar]

/// A recursive-descent reader over lines. Block structure is decided by indentation (leading
/// spaces); each `parse…` function consumes whole lines and leaves `lineIndex` at the first line
/// it did not consume. Recursion depth is bounded by `limits.maxDepth`, checked before recursing.
private struct YAMLParser {
    let lines: [Line]
    /// Whether each line ended with a line break (the last one may not), for block scalar chomping.
    let hasBreak: [Bool]
    let limits: YAMLReader.Limits
    var lineIndex = 0

    init(text: String, limits: YAMLReader.Limits) throws(YAMLError) {
        var lines: [Line] = []
        var hasBreak: [Bool] = []
        var current: Line = []
        var previousWasCarriageReturn = false
        var isFirst = true
        for scalar in text.unicodeScalars {
            defer { isFirst = false }
            if isFirst, scalar == "\u{FEFF}" { continue }
            if scalar == "\n" {
                if !previousWasCarriageReturn {
                    lines.append(current)
                    hasBreak.append(true)
                    current = []
                }
                previousWasCarriageReturn = false
                continue
            }
            previousWasCarriageReturn = scalar == "\r"
            if scalar == "\r" {
                lines.append(current)
                hasBreak.append(true)
                current = []
                continue
            }
            guard Self.isPrintable(scalar) else {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw YAMLError(line: lines.count + 1, column: current.count + 1,
                                message: "non-printable character U+\(String(repeating: "0", count: max(0, 4 - code.count)))\(code)")
            }
            current.append(scalar)
        }
        if !current.isEmpty {
            lines.append(current)
            hasBreak.append(false)
        }
        self.lines = lines
        self.hasBreak = hasBreak
        self.limits = limits
    }

    /// YAML 1.2's c-printable, without the line breaks (which split lines before this check).
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20...0x7E, 0x85, 0xA0...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    // MARK: Document

    mutating func parseDocument() throws(YAMLError) -> YAMLNode {
        if let line = try nextContentLine() {
            if lines[line].first == "%" {
                throw error(line, 0, "directives (%YAML, %TAG) are not supported")
            }
            if isDocumentMarker(line, "-") {
                try expectLineEnd(line, 3, after: "'---'", hint: "; start the content on the next line")
                lineIndex = line + 1
            }
        }
        var root = YAMLNode.null
        if let line = try nextContentLine(), blockIndent(line) >= 0 {
            root = try parseNode(line, leadingSpaces(line), parentIndent: -1, allowsBlockCollection: true, depth: 0)
        }
        guard let line = try nextContentLine() else { return root }
        if isDocumentMarker(line, "-") {
            throw error(line, 0, "multiple documents are not supported")
        }
        guard isDocumentMarker(line, ".") else {
            throw error(line, leadingSpaces(line), "unexpected content; check the indentation")
        }
        try expectLineEnd(line, 3, after: "'...'", hint: "")
        lineIndex = line + 1
        if let next = try nextContentLine() {
            let isAnotherDocument = isDocumentMarker(next, "-") || lines[next].first == "%"
            throw error(next, 0, isAnotherDocument ? "multiple documents are not supported" : "content after the document end marker '...'")
        }
        return root
    }

    // MARK: Block structure

    /// Dispatches on what starts at (`line`, `column`). `parentIndent` is the indentation of the
    /// enclosing block (-1 at the top); continuation lines must be indented beyond it.
    mutating func parseNode(_ line: Int, _ column: Int, parentIndent: Int, allowsBlockCollection: Bool, depth: Int)
        throws(YAMLError) -> YAMLNode {
        try rejectUnsupported(line, column)
        if isSequenceEntry(line, column) {
            guard allowsBlockCollection else {
                throw error(line, column, "a block sequence cannot start on the line of its key; put it on the next line")
            }
            return try parseSequence(indent: column, firstLine: line, depth: depth + 1)
        }
        if let colon = try mappingColon(line, column) {
            guard allowsBlockCollection else {
                throw error(line, colon, "mapping values are not allowed here; quote a value that contains ': '")
            }
            return try parseMapping(indent: column, firstLine: line, depth: depth + 1)
        }
        switch lines[line][column] {
        case "|", ">":
            return try parseBlockScalar(line, column, parentIndent: parentIndent)
        case "\"", "'":
            let (text, endLine, endColumn) = try parseQuoted(line, column, singleLine: false)
            try expectLineEnd(endLine, endColumn, after: "the quoted scalar", hint: "")
            lineIndex = endLine + 1
            return .scalar(text, lines[line][column] == "\"" ? .doubleQuoted : .singleQuoted)
        case "[", "{":
            let (node, endColumn) = try parseFlowCollection(line, column, depth: depth + 1)
            try expectLineEnd(line, endColumn, after: "the flow collection", hint: "")
            lineIndex = line + 1
            return node
        default:
            return try parsePlain(line, column, parentIndent: parentIndent)
        }
    }

    mutating func parseMapping(indent: Int, firstLine: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        guard depth <= limits.maxDepth else { throw error(firstLine, indent, "nesting deeper than \(limits.maxDepth) levels") }
        var entries: [YAMLMappingEntry] = []
        var keyLines: [String: Int] = [:]
        var line = firstLine
        while true {
            try rejectUnsupported(line, indent)
            guard let colon = try mappingColon(line, indent) else {
                throw error(line, indent, isSequenceEntry(line, indent)
                    ? "a sequence entry where a mapping key belongs" : "expected a mapping key ('key: value')")
            }
            let key = try parseKey(line, indent, colon: colon)
            if let first = keyLines[key] {
                throw error(line, indent, "duplicate key \"\(key.prefix(64))\" (first on line \(first))")
            }
            keyLines[key] = line + 1
            let value = try parseMappingValue(line, colon + 1, mappingIndent: indent, depth: depth)
            entries.append(YAMLMappingEntry(key: key, value: value))
            guard let next = try nextContentLine() else { break }
            let nextIndent = blockIndent(next)
            if nextIndent < indent { break }
            if nextIndent > indent { throw error(next, nextIndent, "unexpected indentation") }
            line = next
        }
        return .mapping(entries)
    }

    mutating func parseMappingValue(_ line: Int, _ column: Int, mappingIndent: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        let start = skipWhitespace(line, column)
        if start < lines[line].count, lines[line][start] != "#" {
            return try parseNode(line, start, parentIndent: mappingIndent, allowsBlockCollection: false, depth: depth)
        }
        lineIndex = line + 1
        guard let next = try nextContentLine() else { return .null }
        let nextIndent = blockIndent(next)
        if nextIndent > mappingIndent {
            return try parseNode(next, nextIndent, parentIndent: mappingIndent, allowsBlockCollection: true, depth: depth)
        }
        // YAML lets a sequence under a key sit at the key's own indentation.
        if nextIndent == mappingIndent, isSequenceEntry(next, mappingIndent) {
            return try parseSequence(indent: mappingIndent, firstLine: next, depth: depth + 1)
        }
        return .null
    }

    mutating func parseSequence(indent: Int, firstLine: Int, depth: Int) throws(YAMLError) -> YAMLNode {
        guard depth <= limits.maxDepth else { throw error(firstLine, indent, "nesting deeper than \(limits.maxDepth) levels") }
        var items: [YAMLNode] = []
        var line = firstLine
        while true {
            var column = indent + 1
            while column < lines[line].count, lines[line][column] == " " { column += 1 }
            if column < lines[line].count, lines[line][column] == "\t" {
                let afterTabs = skipWhitespace(line, column)
                if afterTabs < lines[line].count, lines[line][afterTabs] != "#" {
                    throw error(line, column, "tabs are not allowed in indentation")
                }
                column = afterTabs
            }
            if column < lines[line].count, lines[line][column] != "#" {
                items.append(try parseNode(line, column, parentIndent: indent, allowsBlockCollection: true, depth: depth))
            } else {
                lineIndex = line + 1
                if let next = try nextContentLine(), blockIndent(next) > indent {
                    items.append(try parseNode(next, blockIndent(next), parentIndent: indent, allowsBlockCollection: true, depth: depth))
                } else {
                    items.append(.null)
                }
            }
            guard let next = try nextContentLine() else { break }
            let nextIndent = blockIndent(next)
            if nextIndent < indent { break }
            if nextIndent > indent { throw error(next, nextIndent, "unexpected indentation") }
            guard isSequenceEntry(next, indent) else { break }
            line = next
        }
        return .sequence(items)
    }

    // MARK: Scalars

    /// A plain scalar: the rest of this line, then more-indented lines folded into it (a single
    /// line break becomes a space, each empty line a line feed), up to a comment.
    mutating func parsePlain(_ line: Int, _ column: Int, parentIndent: Int) throws(YAMLError) -> YAMLNode {
        let (first, endedByComment) = try plainText(line, column)
        var text = first
        var lastLine = line
        if !endedByComment {
            var emptyCount = 0
            var next = line + 1
            while next < lines.count {
                if isWhitespaceOnly(next) {
                    emptyCount += 1
                    next += 1
                    continue
                }
                guard blockIndent(next) > parentIndent else { break }
                let start = skipWhitespace(next, 0)
                if lines[next][start] == "#" { break }
                let (continuation, endsInComment) = try plainText(next, start)
                text += emptyCount == 0 ? " " : String(repeating: "\n", count: emptyCount)
                text += continuation
                emptyCount = 0
                lastLine = next
                next += 1
                if endsInComment { break }
            }
        }
        lineIndex = lastLine + 1
        return .scalar(text, .plain)
    }

    /// The plain text on one line from `column`, without trailing whitespace or a comment.
    func plainText(_ line: Int, _ column: Int) throws(YAMLError) -> (String, endedByComment: Bool) {
        let characters = lines[line]
        var end = column
        var index = column
        while index < characters.count {
            let scalar = characters[index]
            if scalar == "#", index > column, isBlank(characters[index - 1]) {
                return (String(String.UnicodeScalarView(characters[column..<end])), true)
            }
            if scalar == ":", index + 1 == characters.count || isBlank(characters[index + 1]) {
                throw error(line, index, "mapping values are not allowed here; quote a value that contains ': '")
            }
            index += 1
            if !isBlank(scalar) { end = index }
        }
        return (String(String.UnicodeScalarView(characters[column..<end])), false)
    }

    /// A quoted scalar starting at the quote; returns its text and the position after the
    /// closing quote. Over several lines, trailing and leading whitespace around a line break
    /// goes, a single break becomes a space and each empty line a line feed; in double quotes a
    /// backslash at the end of a line joins the lines without a space.
    func parseQuoted(_ line: Int, _ column: Int, singleLine: Bool) throws(YAMLError) -> (String, Int, Int) {
        let isDouble = lines[line][column] == "\""
        let kind = isDouble ? "double-quoted" : "single-quoted"
        var output = String.UnicodeScalarView()
        var pendingWhitespace = String.UnicodeScalarView()
        var currentLine = line
        var index = column + 1
        /// Moves past a line end inside the quotes; returns the number of empty lines skipped.
        func nextLine() throws(YAMLError) -> Int {
            if singleLine {
                throw error(line, column, "a \(kind) scalar here must end on the line it starts")
            }
            currentLine += 1
            var emptyCount = 0
            while currentLine < lines.count, isWhitespaceOnly(currentLine) {
                emptyCount += 1
                currentLine += 1
            }
            guard currentLine < lines.count else { throw error(line, column, "unterminated \(kind) scalar") }
            if isDocumentMarker(currentLine, "-") || isDocumentMarker(currentLine, ".") {
                throw error(currentLine, 0, "a document marker inside a \(kind) scalar")
            }
            index = skipWhitespace(currentLine, 0)
            return emptyCount
        }
        while true {
            let characters = lines[currentLine]
            guard index < characters.count else {
                pendingWhitespace.removeAll()
                let emptyCount = try nextLine()
                if emptyCount == 0 {
                    output.append(" ")
                } else {
                    output.append(contentsOf: repeatElement("\n", count: emptyCount))
                }
                continue
            }
            let scalar = characters[index]
            if scalar == (isDouble ? "\"" : "'") {
                if !isDouble, index + 1 < characters.count, characters[index + 1] == "'" {
                    output.append(contentsOf: pendingWhitespace)
                    pendingWhitespace.removeAll()
                    output.append("'")
                    index += 2
                    continue
                }
                output.append(contentsOf: pendingWhitespace)
                return (String(output), currentLine, index + 1)
            }
            if isDouble, scalar == "\\" {
                output.append(contentsOf: pendingWhitespace)
                pendingWhitespace.removeAll()
                if index + 1 == characters.count {
                    let emptyCount = try nextLine()
                    output.append(contentsOf: repeatElement("\n", count: emptyCount))
                    continue
                }
                let (escaped, width) = try escape(currentLine, index)
                output.append(escaped)
                index += width
                continue
            }
            if isBlank(scalar) {
                pendingWhitespace.append(scalar)
            } else {
                output.append(contentsOf: pendingWhitespace)
                pendingWhitespace.removeAll()
                output.append(scalar)
            }
            index += 1
        }
    }

    /// One double-quoted escape at `column` (the backslash); returns the scalar and the width
    /// of the escape in the line.
    func escape(_ line: Int, _ column: Int) throws(YAMLError) -> (Unicode.Scalar, Int) {
        let characters = lines[line]
        let letter = characters[column + 1]
        let simple: Unicode.Scalar? = switch letter {
        case "0": "\u{0}"
        case "a": "\u{7}"
        case "b": "\u{8}"
        case "t", "\t": "\t"
        case "n": "\n"
        case "v": "\u{B}"
        case "f": "\u{C}"
        case "r": "\r"
        case "e": "\u{1B}"
        case " ": " "
        case "\"": "\""
        case "/": "/"
        case "\\": "\\"
        case "N": "\u{85}"
        case "_": "\u{A0}"
        case "L": "\u{2028}"
        case "P": "\u{2029}"
        default: nil
        }
        if let simple { return (simple, 2) }
        let digitCount: Int
        switch letter {
        case "x": digitCount = 2
        case "u": digitCount = 4
        case "U": digitCount = 8
        default: throw error(line, column, "unknown escape sequence '\\\(letter)'")
        }
        guard column + 2 + digitCount <= characters.count else {
            throw error(line, column, "'\\\(letter)' needs \(digitCount) hex digits")
        }
        var value: UInt32 = 0
        for scalar in characters[(column + 2)..<(column + 2 + digitCount)] {
            guard let digit = hexValue(scalar) else {
                throw error(line, column, "'\\\(letter)' needs \(digitCount) hex digits")
            }
            value = value << 4 | digit
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw error(line, column, "the escape names no Unicode scalar (a surrogate or beyond U+10FFFF)")
        }
        return (scalar, 2 + digitCount)
    }

    func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": scalar.value - 0x30
        case "a"..."f": scalar.value - 0x61 + 10
        case "A"..."F": scalar.value - 0x41 + 10
        default: nil
        }
    }

    /// A `|` or `>` block scalar: its header on this line, its text on the following lines
    /// indented beyond `parentIndent` (by the indentation indicator, or as the first non-empty
    /// line is).
    mutating func parseBlockScalar(_ line: Int, _ column: Int, parentIndent: Int) throws(YAMLError) -> YAMLNode {
        enum Chomping { case strip, clip, keep }
        let header = lines[line]
        let isLiteral = header[column] == "|"
        var chomping = Chomping.clip
        var chompingSeen = false
        var indentIndicator: Int?
        var index = column + 1
        while index < header.count, index <= column + 2 {
            let scalar = header[index]
            if (scalar == "-" || scalar == "+"), !chompingSeen {
                chomping = scalar == "-" ? .strip : .keep
                chompingSeen = true
            } else if ("1"..."9").contains(scalar), indentIndicator == nil {
                indentIndicator = Int(scalar.value - 0x30)
            } else {
                break
            }
            index += 1
        }
        let rest = skipWhitespace(line, index)
        if rest < header.count, !(header[rest] == "#" && rest > index) {
            throw error(line, rest, "invalid block scalar header; expected '|' or '>', then optionally '-' or '+' and an indentation digit 1-9")
        }

        let firstContent = line + 1
        var contentIndent: Int
        if let indentIndicator {
            contentIndent = max(parentIndent, -1) + indentIndicator
        } else {
            var probe = firstContent
            var widestLeading = (width: 0, line: firstContent)
            while probe < lines.count, lines[probe].allSatisfy({ $0 == " " }) {
                if lines[probe].count > widestLeading.width { widestLeading = (lines[probe].count, probe) }
                probe += 1
            }
            if probe < lines.count, leadingSpaces(probe) > parentIndent, !isDocumentMarker(probe, "-"), !isDocumentMarker(probe, ".") {
                contentIndent = leadingSpaces(probe)
                if widestLeading.width > contentIndent {
                    throw error(widestLeading.line, contentIndent,
                                "an empty line before the text has more spaces than the text's indentation")
                }
            } else {
                contentIndent = parentIndent + 1
            }
        }

        // Each line: its text past the indentation, or nil for an empty line.
        var texts: [(text: Line?, line: Int)] = []
        var current = firstContent
        while current < lines.count {
            let characters = lines[current]
            let spaces = leadingSpaces(current)
            if contentIndent == 0, isDocumentMarker(current, "-") || isDocumentMarker(current, ".") { break }
            if spaces >= contentIndent {
                let text = Array(characters[contentIndent...])
                texts.append((text.isEmpty ? nil : text, current))
            } else if spaces == characters.count {
                texts.append((nil, current))
            } else {
                break
            }
            current += 1
        }
        lineIndex = current

        guard let lastContent = texts.lastIndex(where: { $0.text != nil }) else {
            let breaks = chomping == .keep ? texts.filter { hasBreak[$0.line] }.count : 0
            return .scalar(String(repeating: "\n", count: breaks), isLiteral ? .literal : .folded)
        }
        let body = texts[...lastContent].map(\.text)
        var value = isLiteral ? Self.literalText(body) : Self.foldedText(body)
        let lastHasBreak = hasBreak[texts[lastContent].line]
        switch chomping {
        case .strip:
            break
        case .clip:
            if lastHasBreak { value += "\n" }
        case .keep:
            if lastHasBreak { value += "\n" }
            value += String(repeating: "\n", count: texts[(lastContent + 1)...].filter { hasBreak[$0.line] }.count)
        }
        return .scalar(value, isLiteral ? .literal : .folded)
    }

    static func literalText(_ lines: [Line?]) -> String {
        lines.map { String(String.UnicodeScalarView($0 ?? [])) }.joined(separator: "\n")
    }

    /// YAML's folding: a line break between two lines of text becomes a space; with empty lines
    /// between them, the break goes and each empty line gives a line feed. Lines that start with
    /// whitespace ("more indented") keep their breaks.
    static func foldedText(_ lines: [Line?]) -> String {
        var result = ""
        var index = 0
        while index < lines.count, lines[index] == nil {
            result += "\n"
            index += 1
        }
        guard index < lines.count, let first = lines[index] else { return result }
        result += String(String.UnicodeScalarView(first))
        var previousIsMoreIndented = isMoreIndented(first)
        index += 1
        while index < lines.count {
            var emptyCount = 0
            while index < lines.count, lines[index] == nil {
                emptyCount += 1
                index += 1
            }
            guard index < lines.count, let text = lines[index] else { break }
            let isMore = isMoreIndented(text)
            if previousIsMoreIndented || isMore {
                result += String(repeating: "\n", count: emptyCount + 1)
            } else {
                result += emptyCount == 0 ? " " : String(repeating: "\n", count: emptyCount)
            }
            result += String(String.UnicodeScalarView(text))
            previousIsMoreIndented = isMore
            index += 1
        }
        return result
    }

    static func isMoreIndented(_ line: Line) -> Bool {
        line.first == " " || line.first == "\t"
    }

    // MARK: Flow collections

    /// `[...]` or `{...}` starting at `column`, closed on the same line; returns the node and the
    /// column after the closing bracket.
    func parseFlowCollection(_ line: Int, _ column: Int, depth: Int) throws(YAMLError) -> (YAMLNode, Int) {
        guard depth <= limits.maxDepth else { throw error(line, column, "nesting deeper than \(limits.maxDepth) levels") }
        let characters = lines[line]
        let isSequence = characters[column] == "["
        let closing: Unicode.Scalar = isSequence ? "]" : "}"
        var items: [YAMLNode] = []
        var entries: [YAMLMappingEntry] = []
        var keys: Set<String> = []
        var index = column + 1
        func unclosed() -> YAMLError {
            error(line, column, "a flow collection must close on the line it opens; multi-line flow collections are not supported")
        }
        while true {
            index = skipWhitespace(line, index)
            guard index < characters.count, characters[index] != "#" || !isBlank(characters[index - 1]) else { throw unclosed() }
            if characters[index] == closing { break }
            if isSequence {
                let (item, end) = try parseFlowNode(line, index, depth: depth, inSequence: true)
                items.append(item)
                index = skipWhitespace(line, end)
            } else {
                let keyColumn = index
                let (keyNode, keyEnd) = try parseFlowNode(line, index, depth: depth, inSequence: false, isKey: true)
                guard case .scalar(let key, _) = keyNode else { throw error(line, keyColumn, "a flow mapping key must be a scalar") }
                guard keys.insert(key).inserted else {
                    throw error(line, keyColumn, "duplicate key \"\(key.prefix(64))\"")
                }
                index = skipWhitespace(line, keyEnd)
                var value = YAMLNode.null
                if index < characters.count, characters[index] == ":" {
                    index = skipWhitespace(line, index + 1)
                    if index < characters.count, characters[index] != ",", characters[index] != "}" {
                        let (parsed, end) = try parseFlowNode(line, index, depth: depth, inSequence: false)
                        value = parsed
                        index = skipWhitespace(line, end)
                    }
                }
                entries.append(YAMLMappingEntry(key: key, value: value))
            }
            guard index < characters.count else { throw unclosed() }
            if characters[index] == "," {
                index += 1
                continue
            }
            if characters[index] == closing { break }
            throw error(line, index, "expected ',' or '\(closing)' in the flow collection")
        }
        return (isSequence ? .sequence(items) : .mapping(entries), index + 1)
    }

    func parseFlowNode(_ line: Int, _ column: Int, depth: Int, inSequence: Bool, isKey: Bool = false)
        throws(YAMLError) -> (YAMLNode, Int) {
        let characters = lines[line]
        let scalar = characters[column]
        switch scalar {
        case "[", "{":
            if isKey { throw error(line, column, "a flow mapping key must be a scalar") }
            return try parseFlowCollection(line, column, depth: depth + 1)
        case "\"", "'":
            let (text, _, end) = try parseQuoted(line, column, singleLine: true)
            let after = skipWhitespace(line, end)
            if inSequence, after < characters.count, characters[after] == ":" {
                throw error(line, after, "key/value pairs inside a flow sequence are not supported")
            }
            return (.scalar(text, scalar == "\"" ? .doubleQuoted : .singleQuoted), end)
        case ",":
            throw error(line, column, "an empty entry in a flow collection")
        case "|", ">":
            throw error(line, column, "block scalars are not allowed inside a flow collection")
        default:
            try rejectUnsupported(line, column)
        }
        var end = column
        var index = column
        while index < characters.count {
            let current = characters[index]
            if ",[]{}".unicodeScalars.contains(current) { break }
            if current == "#", index > column, isBlank(characters[index - 1]) { break }
            if current == ":" {
                let next = index + 1 < characters.count ? characters[index + 1] : " "
                if isBlank(next) || ",[]{}".unicodeScalars.contains(next) {
                    if inSequence { throw error(line, index, "key/value pairs inside a flow sequence are not supported") }
                    break
                }
            }
            index += 1
            if !isBlank(current) { end = index }
        }
        if end == column { throw error(line, column, "an empty entry in a flow collection") }
        return (.scalar(String(String.UnicodeScalarView(characters[column..<end])), .plain), end)
    }

    // MARK: Keys and indicators

    /// The column of the `:` that makes (`line`, `column`) a mapping entry, or nil if it is not one.
    func mappingColon(_ line: Int, _ column: Int) throws(YAMLError) -> Int? {
        let characters = lines[line]
        var index = column
        switch characters[column] {
        case "\"", "'":
            guard let end = quotedEnd(line, column) else { return nil }
            index = skipWhitespace(line, end)
            guard index < characters.count, characters[index] == ":",
                  index + 1 == characters.count || isBlank(characters[index + 1]) else { return nil }
            return index
        case "[", "{", "|", ">", "#":
            return nil
        default:
            while index < characters.count {
                let scalar = characters[index]
                if scalar == "#", index > column, isBlank(characters[index - 1]) { return nil }
                if scalar == ":", index + 1 == characters.count || isBlank(characters[index + 1]) { return index }
                index += 1
            }
            return nil
        }
    }

    /// The column after the closing quote of a quoted scalar on this line, or nil if it does not
    /// close on this line.
    func quotedEnd(_ line: Int, _ column: Int) -> Int? {
        let characters = lines[line]
        let quote = characters[column]
        var index = column + 1
        while index < characters.count {
            let scalar = characters[index]
            if quote == "\"", scalar == "\\" {
                index += 2
                continue
            }
            if scalar == quote {
                if quote == "'", index + 1 < characters.count, characters[index + 1] == "'" {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return nil
    }

    func parseKey(_ line: Int, _ column: Int, colon: Int) throws(YAMLError) -> String {
        let characters = lines[line]
        if characters[column] == "\"" || characters[column] == "'" {
            return try parseQuoted(line, column, singleLine: true).0
        }
        var end = colon
        while end > column, isBlank(characters[end - 1]) { end -= 1 }
        return String(String.UnicodeScalarView(characters[column..<end]))
    }

    /// Refuses the indicators outside the subset, where a node or key starts.
    func rejectUnsupported(_ line: Int, _ column: Int) throws(YAMLError) {
        let characters = lines[line]
        let scalar = characters[column]
        let next: Unicode.Scalar = column + 1 < characters.count ? characters[column + 1] : " "
        switch scalar {
        case "&": throw error(line, column, "anchors (&) are not supported")
        case "*": throw error(line, column, "aliases (*) are not supported")
        case "!": throw error(line, column, "tags (!) are not supported")
        case "?" where isBlank(next): throw error(line, column, "complex keys ('? ') are not supported")
        case ":" where isBlank(next): throw error(line, column, "a mapping entry needs a key before ':'")
        case "%", "@", "`", ",", "]", "}":
            throw error(line, column, "'\(scalar)' cannot start a plain scalar; quote the value")
        default: break
        }
    }

    // MARK: Lines

    /// Skips empty and comment-only lines from `lineIndex` and returns the next line with
    /// content, refusing tabs in its indentation; nil at the end of the document.
    mutating func nextContentLine() throws(YAMLError) -> Int? {
        while lineIndex < lines.count {
            let characters = lines[lineIndex]
            let start = skipWhitespace(lineIndex, 0)
            if start < characters.count, characters[start] != "#" {
                let spaces = leadingSpaces(lineIndex)
                if spaces < start {
                    throw error(lineIndex, spaces, "tabs are not allowed in indentation")
                }
                return lineIndex
            }
            lineIndex += 1
        }
        return nil
    }

    func isDocumentMarker(_ line: Int, _ marker: Unicode.Scalar) -> Bool {
        let characters = lines[line]
        return characters.count >= 3 && characters[0] == marker && characters[1] == marker && characters[2] == marker
            && (characters.count == 3 || isBlank(characters[3]))
    }

    /// The indentation that decides block structure: leading spaces, or -1 for a document marker,
    /// which ends every block.
    func blockIndent(_ line: Int) -> Int {
        isDocumentMarker(line, "-") || isDocumentMarker(line, ".") ? -1 : leadingSpaces(line)
    }

    func leadingSpaces(_ line: Int) -> Int {
        lines[line].prefix { $0 == " " }.count
    }

    func isWhitespaceOnly(_ line: Int) -> Bool {
        lines[line].allSatisfy(isBlank)
    }

    func isSequenceEntry(_ line: Int, _ column: Int) -> Bool {
        let characters = lines[line]
        return column < characters.count && characters[column] == "-"
            && (column + 1 == characters.count || isBlank(characters[column + 1]))
    }

    func skipWhitespace(_ line: Int, _ column: Int) -> Int {
        var index = column
        while index < lines[line].count, isBlank(lines[line][index]) { index += 1 }
        return index
    }

    /// After a complete node on a line: only whitespace and a comment may follow.
    func expectLineEnd(_ line: Int, _ column: Int, after what: String, hint: String) throws(YAMLError) {
        let index = skipWhitespace(line, column)
        guard index < lines[line].count else { return }
        if lines[line][index] == "#", index > column { return }
        throw error(line, index, "unexpected text after \(what)\(hint)")
    }

    func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    func error(_ line: Int, _ column: Int, _ message: String) -> YAMLError {
        YAMLError(line: line + 1, column: column + 1, message: message)
    }
}
