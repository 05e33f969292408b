#!/usr/bin/env python3
"""tklog_check: an independent reader of TraceKit .tklog files, written from Docs/LogFormat.md alone.

Reads span run records (0x03, format version 1) and span columns records (0x05, format version 2).
Standard library only. Usage:
    tklog_check.py FILE                 print a JSON summary (blocks, spans, headers, drops, damage, eof marker)
    tklog_check.py --spans FILE         print one JSON object per span (ids as hex), then the summary
    tklog_check.py --replay-json FILE   print each span as `tracekit replay --json` does (Docs/CLI.md), one line
                                        per span, then the corpus summary line (Tests/TraceLogTests/Corpus)
    tklog_check.py --corpus DIR         compare every DIR/NAME.tklog with NAME.replay.jsonl and NAME.summary.json
                                        field by field; print each difference
Exit status: 0 if the file has no damage (--corpus: every log matches), 1 if damage was found (--corpus: a
difference), 2 on usage errors. A file header with a format version above 2 is read as far as this reader knows
the format, with a warning on stderr (Docs/LogFormat.md section 2.3).
"""
import json
import math
import os
import struct
import sys
import zlib

EOF_MARKER = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
M64 = (1 << 64) - 1
# The newest format version this reader knows (section 2.3).
FORMAT_VERSION = 2
KINDS = ["internal", "server", "client", "producer", "consumer"]
STATUSES = ["unset", "ok", "error"]


def permute(key, n):
    z = (n ^ key) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Malformed(Exception):
    pass


class Cursor:
    def __init__(self, data, start=0, end=None):
        self.data, self.pos, self.end = data, start, len(data) if end is None else end

    def left(self):
        return self.end - self.pos

    def byte(self):
        if self.pos >= self.end:
            raise Malformed("cut short")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varint(self):
        result, shift = 0, 0
        while True:
            b = self.byte()
            if shift == 63 and b > 1:
                raise Malformed("varint too long")
            result |= (b & 0x7F) << shift
            if b & 0x80 == 0:
                return result
            shift += 7

    def svarint(self):
        u = self.varint()
        return (u >> 1) ^ -(u & 1)

    def delta(self, ref):
        return (ref + self.svarint()) & M64

    def u64(self):
        if self.left() < 8:
            raise Malformed("u64 cut short")
        value = struct.unpack_from("<Q", self.data, self.pos)[0]
        self.pos += 8
        return value

    def count(self):
        n = self.varint()
        if n > self.left():
            raise Malformed("count exceeds bytes left")
        return n

    def raw(self, n):
        if n > self.left():
            raise Malformed("bytes cut short")
        value = self.data[self.pos:self.pos + n]
        self.pos += n
        return value


def parse_block(data, p):
    """Returns ('good', size, payload) or ('incomplete',) or ('bad', reason, kind) (section 1.1)."""
    if len(data) - p < 12:
        if data[p:p + 4] != b"\x1f\x8b\x08\x04"[:len(data) - p]:
            return ("bad", "bad gzip header", "notABlock")
        return ("incomplete",)
    if data[p:p + 4] != b"\x1f\x8b\x08\x04":
        return ("bad", "bad gzip header", "notABlock")
    xlen = struct.unpack_from("<H", data, p + 10)[0]
    if len(data) - p < 12 + xlen:
        return ("incomplete",)
    q, bsizes = p + 12, []
    while q + 4 <= p + 12 + xlen:
        slen = struct.unpack_from("<H", data, q + 2)[0]
        if q + 4 + slen > p + 12 + xlen:
            return ("bad", "bad gzip header: subfield overruns XLEN", "notABlock")
        if data[q:q + 2] == b"BC":
            if slen != 2:
                return ("bad", "bad gzip header: BC subfield of length %d" % slen, "notABlock")
            bsizes.append(struct.unpack_from("<H", data, q + 4)[0])
        q += 4 + slen
    if len(bsizes) != 1:
        return ("bad", "bad gzip header: %d BC subfields" % len(bsizes), "notABlock")
    size = bsizes[0] + 1
    if size < 12 + xlen + 8:
        return ("bad", "bad gzip header: BSIZE too small", "notABlock")
    if len(data) - p < size:
        return ("incomplete",)
    crc, isize = struct.unpack_from("<II", data, p + size - 8)
    if isize > 65536:
        return ("bad", "ISIZE %d exceeds 65536" % isize, "corruptBlock")
    inflater = zlib.decompressobj(-15)
    try:
        payload = inflater.decompress(data[p + 12 + xlen:p + size - 8], 65537)
    except zlib.error as error:
        return ("bad", "inflate failed: %s" % error, "corruptBlock")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        return ("bad", "inflate failed: stream incomplete or trailing data", "corruptBlock")
    if len(payload) != isize:
        return ("bad", "ISIZE mismatch", "corruptBlock")
    if zlib.crc32(payload) & 0xFFFFFFFF != crc:
        return ("bad", "CRC mismatch", "corruptBlock")
    return ("good", size, payload)


def as_double(bits):
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def merged(pairs):
    """Attributes with each key once: a repeated key keeps its last value at its first position (section 2.7)."""
    attributes = {}
    for key, value in pairs:
        attributes[key] = value
    return [[key, value] for key, value in attributes.items()]


def read_attributes(c, table):
    def s():
        i = c.varint()
        if i >= len(table):
            raise Malformed("string index outside table")
        return table[i]

    attributes = []
    for _ in range(c.count()):
        key, kind = s(), c.byte()
        if kind == 1:
            value = s()
        elif kind == 2:
            value = c.svarint()
        elif kind == 3:
            value = as_double(c.u64())
        elif kind in (4, 5):
            value = kind == 5
        elif kind == 6:
            value = [s() for _ in range(c.count())]
        elif kind == 7:
            value = [c.svarint() for _ in range(c.count())]
        elif kind == 8:
            value = [as_double(c.u64()) for _ in range(c.count())]
        elif kind == 9:
            value = [c.byte() != 0 for _ in range(c.count())]
        else:
            raise Malformed("unknown attribute type %d" % kind)
        attributes.append([key, value])
    return merged(attributes)


def decode_span(r, table, keys, prev_counter, prev_end, out):
    def s():
        i = r.varint()
        if i >= len(table):
            raise Malformed("string index outside table")
        return table[i]

    flags = r.varint()
    if flags >> 12:
        raise Malformed("unknown span flags")
    if flags & 0b1110 and keys is None:
        raise Malformed("counter-coded id without keys")
    if flags & 4:
        prev_counter = r.delta(prev_counter)
        span_id = permute(keys[2], prev_counter)
    else:
        span_id = r.u64()
    if flags & 2:
        trace = (keys[0], permute(keys[1], r.delta(prev_counter)))
    else:
        trace = (r.u64(), r.u64())
    parent = None
    if flags & 1:
        parent = permute(keys[2], r.delta(prev_counter)) if flags & 8 else r.u64()
    anchored = r.delta(prev_end)
    duration = r.varint()
    if flags & 16:
        start, prev_end = anchored, (anchored + duration) & M64
    else:
        start, prev_end = (anchored - duration) & M64, anchored
    status, kind = (flags >> 5) & 3, (flags >> 7) & 7
    span = {
        "traceID": "%016x%016x" % trace, "spanID": "%016x" % span_id,
        "parentSpanID": None if parent is None else "%016x" % parent,
        "start": start, "duration": duration, "name": s(), "kind": kind, "status": status}
    if status == 2:
        span["message"] = s()
    elif status == 3 or kind > 4:
        raise Malformed("bad status or kind")
    span["attributes"] = read_attributes(r, table)
    if flags & 1024:
        span["events"] = [
            {"name": s(), "time": r.delta(span["start"]), "attributes": read_attributes(r, table)}
            for _ in range(r.count())]
    if flags & 2048:
        span["limits"] = [r.varint(), r.varint(), r.varint()]
    out["spans"].append(span)
    return prev_counter, prev_end


class BitReader:
    """Column 9 of a span columns record: fields packed least significant bit first."""

    def __init__(self, data, start, end):
        self.data, self.start, self.bits, self.pos = data, start, (end - start) * 8, 0

    def read(self, n):
        if n == 0:
            return 0
        if self.pos + n > self.bits:
            raise Malformed("bit stream cut short")
        first = self.start + (self.pos >> 3)
        last = self.start + ((self.pos + n + 7) >> 3)
        value = int.from_bytes(self.data[first:last], "little") >> (self.pos & 7)
        self.pos += n
        return value & ((1 << n) - 1)


def class_magnitude(bits, length):
    """The magnitude of a value of bit length `length`: its leading one plus `length - 1` bits from the stream."""
    if length < 2:
        return length
    return (1 << (length - 1)) | bits.read(length - 1)


def read_unsigned_class(column, bits):
    c = column.byte()
    if c > 64:
        raise Malformed("unsigned class %d above 64" % c)
    return class_magnitude(bits, c)


def read_signed_class(column, bits):
    """A signed class-coded value, returned mod 2^64 (it is only used in wrapping arithmetic)."""
    c = column.byte()
    if c > 129:
        raise Malformed("signed class %d above 129" % c)
    magnitude = class_magnitude(bits, c >> 1)
    return (-magnitude if c & 1 else magnitude) & M64


# Section 2.5: the attribute slots of all the spans of one span columns record, at most.
MAX_ATTRIBUTE_SLOTS_PER_RECORD = 65536


def decode_columns(r, table, keys, out):
    """A span columns record (type 0x05, section 2.5); `r` covers the record body."""
    def s(c):
        i = c.varint()
        if i >= len(table):
            raise Malformed("string index outside table")
        return table[i]

    count = r.count()
    shapes = []
    for _ in range(r.count()):
        name, shape_flags = s(r), r.byte()
        kind, status = shape_flags & 7, (shape_flags >> 3) & 3
        if kind > 4 or status == 3 or shape_flags & 0x80:
            raise Malformed("bad shape flags 0x%02x" % shape_flags)
        message = s(r) if status == 2 else None
        slots = []
        for _ in range(r.count()):
            key = r.varint()
            if key >= len(table):
                raise Malformed("string index outside table")
            kind_byte = r.byte()
            if not 1 <= kind_byte <= 9:
                raise Malformed("unknown attribute type %d" % kind_byte)
            slots.append((key, kind_byte))
        shapes.append((name, kind, status, message, bool(shape_flags & 0x20), bool(shape_flags & 0x40), slots))
    directory = []
    for _ in range(r.count()):
        directory.append((r.varint(), r.count()))
    columns = {}
    for column_id, length in directory:
        if column_id in columns:
            raise Malformed("column %d listed twice" % column_id)
        if column_id >= 16 and (column_id - 16) >> 1 >= len(table):
            raise Malformed("column %d names no string-table entry" % column_id)
        columns[column_id] = Cursor(r.data, r.pos, r.pos + length)
        r.raw(length)

    def column(i):
        if i not in columns:
            columns[i] = Cursor(r.data, 0, 0)  # not listed: empty
        return columns[i]

    flags_c, shape_c, span_c, trace_c, parent_c = (column(i) for i in range(5))
    lead_c, trail_c, gap_c, duration_c, extra = column(5), column(6), column(7), column(8), column(10)
    threshold_c = column(11) if 11 in columns else None  # not listed: every span's threshold is 0
    threshold = 0
    bit_c = column(9)
    bits = BitReader(r.data, bit_c.pos, bit_c.end)
    prev_counter, prev_end, pending, last_strings = 0, 0, {}, {}
    slots_left = MAX_ATTRIBUTE_SLOTS_PER_RECORD
    for _ in range(count):
        flags = flags_c.byte()
        if flags & 0xE0:
            raise Malformed("reserved span flags 0x%02x" % flags)
        # parent_is_counter (bit 3) counts only with has_parent (bit 0).
        if (flags & 0b0110 or flags & 0b1001 == 0b1001) and keys is None:
            raise Malformed("counter-coded id without keys")
        shape_index = shape_c.varint()
        if shape_index >= len(shapes):
            raise Malformed("shape index %d outside %d shapes" % (shape_index, len(shapes)))
        slots_left -= len(shapes[shape_index][6])
        if slots_left < 0:
            raise Malformed("more than %d attributes in one record" % MAX_ATTRIBUTE_SLOTS_PER_RECORD)
        name, kind, status, message, has_events, has_limits, slots = shapes[shape_index]
        if flags & 2:
            prev_counter = span_c.delta(prev_counter)
            span_id = permute(keys[2], prev_counter)
        else:
            span_id = span_c.u64()
        if flags & 4:
            trace = (keys[0], permute(keys[1], trace_c.delta(prev_counter)))
        else:
            trace = (trace_c.u64(), trace_c.u64())
        parent = None
        if flags & 1:
            parent = permute(keys[2], parent_c.delta(prev_counter)) if flags & 8 else parent_c.u64()
        if flags & 16:
            extent = pending.pop(span_id, None)
            if extent is None:
                raise Malformed("span %016x closes children but none are pending" % span_id)
            lead = read_signed_class(lead_c, bits)
            trail = read_signed_class(trail_c, bits)
            start, end = (extent[0] - lead) & M64, (extent[1] + trail) & M64
        else:
            gap = read_signed_class(gap_c, bits)
            duration = read_unsigned_class(duration_c, bits)
            start = (prev_end + gap) & M64
            end = (start + duration) & M64
        prev_end = end
        if parent is not None:
            extent = pending.get(parent)
            pending[parent] = (start, end) if extent is None else (min(extent[0], start), max(extent[1], end))
        span = {
            "traceID": "%016x%016x" % trace, "spanID": "%016x" % span_id,
            "parentSpanID": None if parent is None else "%016x" % parent,
            "start": start, "duration": (end - start) & M64, "name": name,
            "kind": kind, "status": status}
        if message is not None:
            span["message"] = message
        attributes = []
        for slot, (key, kind_byte) in enumerate(slots):
            if kind_byte == 1:
                c = column(16 + 2 * key)
                x = c.varint()
                if x == 0:
                    value = last_strings.get((shape_index, slot))
                    if value is None:
                        raise Malformed("repeated string before any string in its slot")
                else:
                    if x - 1 >= len(table):
                        raise Malformed("string index outside table")
                    value = table[x - 1]
                last_strings[(shape_index, slot)] = value
            elif kind_byte == 2:
                value = column(17 + 2 * key).svarint()
            elif kind_byte == 3:
                value = as_double(extra.u64())
            elif kind_byte in (4, 5):
                value = kind_byte == 5
            elif kind_byte == 6:
                value = [s(extra) for _ in range(extra.count())]
            elif kind_byte == 7:
                value = [extra.svarint() for _ in range(extra.count())]
            elif kind_byte == 8:
                value = [as_double(extra.u64()) for _ in range(extra.count())]
            else:
                value = [extra.byte() != 0 for _ in range(extra.count())]
            attributes.append([table[key], value])
        span["attributes"] = merged(attributes)
        if has_events:
            span["events"] = [
                {"name": s(extra), "time": extra.delta(start), "attributes": read_attributes(extra, table)}
                for _ in range(extra.count())]
        if has_limits:
            span["limits"] = [extra.varint(), extra.varint(), extra.varint()]
        if threshold_c is not None:
            threshold = threshold_c.delta(threshold)
            if threshold >= 1 << 56:
                raise Malformed("sampling threshold %d out of range" % threshold)
        span["samplingThreshold"] = threshold
        out["spans"].append(span)


def decode_payload(payload, out):
    """The records of one block payload (section 2). On a malformed record it raises Malformed; what it decoded
    before (records, and spans of the bad record) stays in `out`, and the rest of the block is not read."""
    c = Cursor(payload)
    if c.byte() != 0x01:
        raise Malformed("first record is not a block header")
    n = c.count()
    h = Cursor(payload, c.pos, c.pos + n)
    c.pos += n
    keys = None
    if h.varint() & 1:  # other flag bits: reserved, ignored
        keys = (h.u64(), h.u64(), h.u64())
    table = []
    for _ in range(h.count()):
        # Invalid UTF-8: each maximal invalid subsequence becomes one U+FFFD (section 2.1).
        table.append(h.raw(h.count()).decode("utf-8", "replace"))
    prev_counter, prev_end = 0, 0
    while c.left() > 0:
        kind, length = c.byte(), c.count()
        r = Cursor(payload, c.pos, c.pos + length)
        c.pos += length

        def s():
            i = r.varint()
            if i >= len(table):
                raise Malformed("string index outside table")
            return table[i]

        if kind == 0x02:
            if r.raw(4) != b"TKLG":
                raise Malformed("bad file magic")
            out["headers"].append({
                "version": r.varint(), "opened": r.varint(), "sequence": r.varint(), "service": s(),
                "host": s(), "pid": r.svarint(), "processStart": r.varint(), "library": s(),
                "attributes": read_attributes(r, table)})
        elif kind == 0x03:
            for _ in range(r.count()):
                prev_counter, prev_end = decode_span(r, table, keys, prev_counter, prev_end, out)
        elif kind == 0x05:
            decode_columns(r, table, keys, out)
        elif kind == 0x04:
            out["dropped"].append({"reason": r.byte(), "count": r.varint(), "time": r.varint()})
        elif kind == 0x01:
            raise Malformed("second block header")


# Section 1.2: a reader looks for a first valid block only this far into the file, then gives up.
FIRST_BLOCK_SEARCH_BYTES = 16 << 20


def check(data):
    out = {"blocks": 0, "emptyBlocks": 0, "spans": [], "headers": [], "dropped": [], "damage": [],
           "endsWithEOFMarker": data.endswith(EOF_MARKER)}
    p = 0
    while p < len(data):
        result = parse_block(data, p)
        if result[0] == "good":
            out["blocks"] += 1
            if not result[2]:
                out["emptyBlocks"] += 1
            else:
                try:
                    decode_payload(result[2], out)
                except (Malformed, IndexError, struct.error) as error:
                    out["damage"].append({"offset": p, "length": result[1], "reason": "malformed: %s" % error,
                                          "kind": "malformedPayload"})
            p += result[1]
            continue
        reason, kind = ("truncated block", "truncatedBlock") if result[0] == "incomplete" else result[1:]
        # Before the first good block, candidates start below the search bound.
        limit = len(data) if out["blocks"] else min(len(data), FIRST_BLOCK_SEARCH_BYTES)
        q = p + 1
        while True:
            q = data.find(b"\x1f\x8b\x08\x04", q, limit + 3)
            if q < 0 or parse_block(data, q)[0] == "good":
                break
            q += 1
        if q < 0 and limit < len(data):
            out["damage"].append({"offset": p, "length": limit - p, "kind": kind,
                                  "reason": reason + "; no valid BGZF block in the first 16 MiB, so the reader stopped looking"})
            break
        end = len(data) if q < 0 else q
        out["damage"].append({"offset": p, "length": end - p, "reason": reason, "kind": kind})
        p = end
    return out


def json_double(value):
    """A double as `tracekit replay --json` writes it: a number, or a string for NaN and the infinities."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def json_value(value):
    if isinstance(value, float):
        return json_double(value)
    if isinstance(value, list):
        return [json_value(item) for item in value]
    return value


def json_attributes(pairs):
    return {key: json_value(value) for key, value in pairs}


def threshold_digits(threshold):
    """The OpenTelemetry `th` digits: 14 hex digits of the 56-bit threshold, trailing zeros removed."""
    return ("%014x" % threshold).rstrip("0") or "0"


def replay_json(span):
    """A span in the schema of `tracekit replay --json` (Docs/CLI.md, "replay --json")."""
    line = {"trace_id": span["traceID"], "span_id": span["spanID"], "parent_span_id": span["parentSpanID"],
            "name": span["name"], "kind": KINDS[span["kind"]], "status": STATUSES[span["status"]]}
    if span["status"] == 2:
        line["status_message"] = span["message"]
    line.update({"start_unix_nano": span["start"], "duration_nano": span["duration"],
                 "attributes": json_attributes(span["attributes"]),
                 "events": [{"name": e["name"], "time_unix_nano": e["time"],
                             "attributes": json_attributes(e["attributes"])} for e in span.get("events", [])]})
    limits = span.get("limits", [0, 0, 0])
    if any(limits):
        line.update({"dropped_attributes": limits[0] & 0xFFFFFFFF, "dropped_events": limits[1] & 0xFFFFFFFF,
                     "truncated_values": limits[2] & 0xFFFFFFFF})
    threshold = span.get("samplingThreshold", 0)
    if threshold:
        line["sampling_threshold"] = threshold_digits(threshold)
        line["adjusted_count"] = float(1 << 56) / float((1 << 56) - threshold)
    return line


def corpus_summary(out):
    """What a corpus log's NAME.summary.json holds (Docs/LogFormat.md section 6)."""
    return {
        "span_count": len(out["spans"]),
        "headers": [{"format_version": h["version"], "opened_unix_nano": h["opened"], "file_sequence": h["sequence"],
                     "service_name": h["service"], "host_name": h["host"], "process_id": h["pid"],
                     "process_start_unix_nano": h["processStart"], "library_version": h["library"],
                     "attributes": json_attributes(h["attributes"])} for h in out["headers"]],
        "dropped": [{"reason": d["reason"], "count": d["count"], "recorded_unix_nano": d["time"]}
                    for d in out["dropped"]],
        "damage": [{"offset": d["offset"], "length": d["length"], "kind": d["kind"]} for d in out["damage"]],
        "ends_with_eof_marker": out["endsWithEOFMarker"],
    }


def legacy_span(span):
    """A span for --spans: non-finite doubles as Python writes them."""
    def plain(value):
        if isinstance(value, float) and not math.isfinite(value):
            return repr(value)
        return [plain(item) for item in value] if isinstance(value, list) else value

    result = dict(span, attributes=[[key, plain(value)] for key, value in span["attributes"]])
    if "events" in span:
        result["events"] = [dict(e, attributes=[[k, plain(v)] for k, v in e["attributes"]]) for e in span["events"]]
    return result


def warn_about_versions(path, out):
    newer = sorted({h["version"] for h in out["headers"] if h["version"] > FORMAT_VERSION})
    if newer:
        print("tklog_check: warning: %s: written in format version %s; this reader knows version %d and skipped "
              "what it does not know" % (path, ", ".join(map(str, newer)), FORMAT_VERSION), file=sys.stderr)


def same(expected, actual, where, differences):
    """Compares decoded JSON values; doubles by value (NaN equals NaN)."""
    if isinstance(expected, float) or isinstance(actual, float):
        if not (isinstance(expected, (int, float)) and isinstance(actual, (int, float))) or not (
                expected == actual or (math.isnan(expected) and math.isnan(actual))):
            differences.append("%s: expected %r, read %r" % (where, expected, actual))
    elif isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            differences.append("%s: expected keys %s, read %s" % (where, list(expected), list(actual)))
        for key in expected:
            if key in actual:
                same(expected[key], actual[key], "%s.%s" % (where, key), differences)
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            differences.append("%s: expected %d items, read %d" % (where, len(expected), len(actual)))
        for index, (e, a) in enumerate(zip(expected, actual)):
            same(e, a, "%s[%d]" % (where, index), differences)
    elif expected != actual or type(expected) is not type(actual):
        differences.append("%s: expected %r, read %r" % (where, expected, actual))


def check_corpus(directory):
    """Every log of the corpus against its expected replay lines and summary; returns the differences."""
    differences, count = [], 0
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".tklog"):
            continue
        count += 1
        stem = os.path.join(directory, name[:-len(".tklog")])
        with open(os.path.join(directory, name), "rb") as handle:
            out = check(handle.read())
        with open(stem + ".replay.jsonl", encoding="utf-8") as handle:
            expected_lines = [json.loads(line) for line in handle.read().splitlines()]
        same(expected_lines, [replay_json(span) for span in out["spans"]], name + " spans", differences)
        with open(stem + ".summary.json", encoding="utf-8") as handle:
            same(json.load(handle), corpus_summary(out), name + " summary", differences)
    if count == 0:
        differences.append("%s: no .tklog files" % directory)
    return count, differences


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    if "--corpus" in argv:
        count, differences = check_corpus(args[0])
        for difference in differences:
            print(difference)
        print("corpus: %d logs, %d differences" % (count, len(differences)))
        return 1 if differences else 0
    with open(args[0], "rb") as handle:
        out = check(handle.read())
    warn_about_versions(args[0], out)
    if "--replay-json" in argv:
        for span in out["spans"]:
            print(json.dumps(replay_json(span), ensure_ascii=False, allow_nan=False))
        print(json.dumps(corpus_summary(out), ensure_ascii=False, allow_nan=False))
        return 1 if out["damage"] else 0
    if "--spans" in argv:
        for span in out["spans"]:
            print(json.dumps(legacy_span(span), sort_keys=True))
    summary = dict(out, spans=len(out["spans"]))
    print(json.dumps(summary, sort_keys=True))
    return 1 if out["damage"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
