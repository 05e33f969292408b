#!/usr/bin/env python3
"""make_tklog_corpus: writes the hand-built logs of the golden corpus (Tests/TraceLogTests/Corpus), from
Docs/LogFormat.md alone.

Every log is built record by record as the spec describes (span runs of format version 1, span columns of
version 2, and the damage a reader must survive), so the corpus holds files the current Swift writer can no
longer make (version 1) or never makes (damage, unknown records, a newer version). Standard library only.

    make_tklog_corpus.py DIR            writes the logs that DIR does not have yet; never replaces a file

The corpus only grows (Docs/LogFormat.md, section 6): add a builder for a new file, never change what an old
one writes. The expected outputs next to each log come from `Tests/TraceLogTests/CorpusTests.swift`
(TRACEKIT_CORPUS_WRITE=1), which writes only the missing ones.
"""
import os
import struct
import sys
import zlib

M64 = (1 << 64) - 1
EOF_MARKER = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")
# Id keys of the blocks that have them (section 3).
KEYS = (0x4BF92F3577B34DA6, 0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321)
T0 = 1_764_000_000_000_000_000  # 2025-11-24T16:00:00Z
# What stands for "something a later version added" (Docs/LogFormat.md section 6): values no version will ever
# give a meaning, so that every later reader still reads these logs to the same output.
UNKNOWN_RECORD = 0xFF
UNKNOWN_COLUMN = 15
UNKNOWN_BLOCK_FLAG = 1 << 6


def permute(key, n):
    z = (n ^ key) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def varint(n):
    assert 0 <= n <= M64
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def signed(u):
    """A 64-bit pattern as a signed integer."""
    u &= M64
    return u - (1 << 64) if u >> 63 else u


def svarint(n):
    n = signed(n)
    return varint(((n << 1) ^ (n >> 63)) & M64)


def delta(x, ref):
    return svarint((x - ref) & M64)


def u64(n):
    return struct.pack("<Q", n & M64)


def record(kind, body):
    return bytes([kind]) + varint(len(body)) + body


def block(payload, isize=None, crc=None, extra=None):
    """One BGZF block holding `payload`; `isize`, `crc` and `extra` (the XLEN bytes, with a `{bsize}` hole
    filled in) replace the correct values to make damage."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = compressor.compress(payload) + compressor.flush()
    subfields = extra if extra is not None else [b"BC\x02\x00", None]
    xlen = sum(2 if part is None else len(part) for part in subfields)
    size = 12 + xlen + len(cdata) + 8
    fields = b"".join(struct.pack("<H", size - 1) if part is None else part for part in subfields)
    header = b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff" + struct.pack("<H", xlen) + fields
    trailer = struct.pack(
        "<II", zlib.crc32(payload) & 0xFFFFFFFF if crc is None else crc, len(payload) if isize is None else isize)
    return header + cdata + trailer


class Block:
    """The payload of one block: its string table, id keys and records (the block header record goes first)."""

    def __init__(self, keys=None, flags=0):
        self.keys, self.flags = keys, flags
        self.strings, self.index, self.records = [], {}, []
        self.prev_counter = self.prev_end = 0  # span run state (section 2.4), per block

    def s(self, text):
        """The table index of `text` (str, or bytes for invalid UTF-8), added on first use."""
        raw = text.encode() if isinstance(text, str) else text
        if raw not in self.index:
            self.index[raw] = len(self.strings)
            self.strings.append(raw)
        return self.index[raw]

    def duplicate(self, text):
        """A second table entry with the same text (a writer may repeat a string)."""
        self.strings.append(text.encode())
        return len(self.strings) - 1

    def ref(self, text):
        return varint(text if isinstance(text, int) else self.s(text))

    def add(self, kind, body):
        self.records.append(record(kind, body))

    def payload(self):
        flags = self.flags | (1 if self.keys else 0)
        body = varint(flags)
        if self.keys:
            body += b"".join(u64(k) for k in self.keys)
        body += varint(len(self.strings)) + b"".join(varint(len(s)) + s for s in self.strings)
        return record(0x01, body) + b"".join(self.records)

    def bytes(self, **damage):
        return block(self.payload(), **damage)


# Attribute values: (type, value) with the type codes of section 2.7.
def attr_value(b, kind, value, with_type=True):
    out = bytes([kind]) if with_type else b""
    if kind == 1:
        return out + b.ref(value)
    if kind == 2:
        return out + svarint(value)
    if kind == 3:
        return out + double_bits(value)
    if kind in (4, 5):
        return out
    out += varint(len(value))
    if kind == 6:
        return out + b"".join(b.ref(v) for v in value)
    if kind == 7:
        return out + b"".join(svarint(v) for v in value)
    if kind == 8:
        return out + b"".join(double_bits(v) for v in value)
    return out + bytes(value)  # 9: one byte per bool, 0 false, anything else true


def double_bits(value):
    return u64(value) if isinstance(value, int) else struct.pack("<d", value)


def attributes(b, attrs):
    return varint(len(attrs)) + b"".join(b.ref(key) + attr_value(b, kind, value) for key, kind, value in attrs)


def file_header(b, version=2, sequence=0, service="checkout", host="host-1", pid=4242, attrs=()):
    body = b"TKLG" + varint(version) + varint(T0 - 5_000_000_000) + varint(sequence) + b.ref(service)
    body += b.ref(host) + svarint(pid) + varint(T0 - 60_000_000_000) + b.ref("0.1.0") + attributes(b, list(attrs))
    b.add(0x02, body)


def dropped(b, reason, count, when=T0 + 9_000_000):
    b.add(0x04, bytes([reason]) + varint(count) + varint(when))


# A span: a dict with span/trace/parent ids as ("c", counter) or ("r", value) (a trace: ("r", high, low)),
# start, duration, name, kind (0-4), status (0-2), message, attrs [(key, type, value)], events
# [(name, time, attrs)], limits (3 counts), threshold (version 2), anchor ("start"/"end", version 1).
def span(sid, trace, start, duration, name, parent=None, kind=0, status=0, message="", attrs=(), events=None,
         limits=None, threshold=0, anchor=None):
    return dict(sid=sid, trace=trace, parent=parent, start=start, duration=duration, name=name, kind=kind,
                status=status, message=message, attrs=list(attrs), events=events, limits=limits,
                threshold=threshold, anchor=anchor)


def span_run(b, spans, flag_extra=0):
    """A span run record (type 0x03, section 2.4); its state carries across span runs of the block."""
    body = varint(len(spans))
    for sp in spans:
        flags = (sp["kind"] << 7) | (sp["status"] << 5) | flag_extra
        flags |= 4 if sp["sid"][0] == "c" else 0
        flags |= 2 if sp["trace"][0] == "c" else 0
        if sp["parent"] is not None:
            flags |= 1 | (8 if sp["parent"][0] == "c" else 0)
        end = (sp["start"] + sp["duration"]) & M64
        anchor = sp["anchor"] or ("start" if abs(signed(sp["start"] - b.prev_end)) < abs(signed(end - b.prev_end))
                                  else "end")
        flags |= 16 if anchor == "start" else 0
        flags |= 1024 if sp["events"] is not None else 0
        flags |= 2048 if sp["limits"] is not None else 0
        out = varint(flags)
        if sp["sid"][0] == "c":
            out += delta(sp["sid"][1], b.prev_counter)
            b.prev_counter = sp["sid"][1]
        else:
            out += u64(sp["sid"][1])
        out += delta(sp["trace"][1], b.prev_counter) if sp["trace"][0] == "c" else u64(sp["trace"][1]) + u64(
            sp["trace"][2])
        if sp["parent"] is not None:
            out += delta(sp["parent"][1], b.prev_counter) if sp["parent"][0] == "c" else u64(sp["parent"][1])
        out += delta(sp["start"] if anchor == "start" else end, b.prev_end) + varint(sp["duration"])
        b.prev_end = end
        out += b.ref(sp["name"]) + (b.ref(sp["message"]) if sp["status"] == 2 else b"")
        out += attributes(b, sp["attrs"])
        if sp["events"] is not None:
            out += varint(len(sp["events"])) + b"".join(
                b.ref(name) + delta(time, sp["start"]) + attributes(b, attrs) for name, time, attrs in sp["events"])
        if sp["limits"] is not None:
            out += b"".join(varint(n) for n in sp["limits"])
        body += out
    b.add(0x03, body)


def decoded_id(b, coded):
    """The 64-bit span id a coded id stands for."""
    return permute(b.keys[2], coded[1]) if coded[0] == "c" else coded[1]


class Bits:
    """Column 9: fields packed least significant bit first."""

    def __init__(self):
        self.value, self.count = 0, 0

    def write(self, value, n):
        self.value |= (value & ((1 << n) - 1)) << self.count
        self.count += n

    def bytes(self):
        return self.value.to_bytes((self.count + 7) // 8, "little")


def unsigned_class(value, bits):
    length = value.bit_length()
    if length >= 2:
        bits.write(value, length - 1)
    return bytes([length])


def signed_class(value, bits):
    value = signed(value)
    magnitude = abs(value)
    length = magnitude.bit_length()
    if length >= 2:
        bits.write(magnitude, length - 1)
    return bytes([2 * length + (1 if value < 0 else 0)])


def span_columns(b, spans, extra_columns=(), threshold_column=None):
    """A span columns record (type 0x05, section 2.5), chosen as the TraceKit writer chooses (closes_children
    exactly when `pending` holds the span's id, "0" for a repeated string). `extra_columns`: (id, bytes) pairs
    listed too (reserved ids a reader skips)."""
    shapes, shape_index, columns, bits = [], {}, {}, Bits()
    pending, last_strings, prev_counter, prev_end, prev_threshold = {}, {}, 0, 0, 0
    listed_threshold = threshold_column if threshold_column is not None else any(sp["threshold"] for sp in spans)

    def col(i):
        return columns.setdefault(i, bytearray())

    for sp in spans:
        slots = tuple((key if isinstance(key, int) else b.s(key), kind) for key, kind, _ in sp["attrs"])
        shape = (sp["name"], sp["kind"], sp["status"], sp["message"] if sp["status"] == 2 else None,
                 sp["events"] is not None, sp["limits"] is not None, slots)
        if shape not in shape_index:
            shape_index[shape] = len(shapes)
            shapes.append(shape)
        number = shape_index[shape]
        flags = (2 if sp["sid"][0] == "c" else 0) | (4 if sp["trace"][0] == "c" else 0)
        if sp["parent"] is not None:
            flags |= 1 | (8 if sp["parent"][0] == "c" else 0)
        sid = decoded_id(b, sp["sid"])
        closes = sid in pending
        flags |= (16 if closes else 0) | sp.get("flag_extra", 0)
        col(0).append(flags)
        col(1).extend(varint(sp.get("force_shape", number)))
        if sp["sid"][0] == "c":
            col(2).extend(delta(sp["sid"][1], prev_counter))
            prev_counter = sp["sid"][1]
        else:
            col(2).extend(u64(sp["sid"][1]))
        if sp["trace"][0] == "c":
            col(3).extend(delta(sp["trace"][1], prev_counter))
        else:
            col(3).extend(u64(sp["trace"][1]) + u64(sp["trace"][2]))
        if sp["parent"] is not None:
            col(4).extend(delta(sp["parent"][1], prev_counter) if sp["parent"][0] == "c" else u64(sp["parent"][1]))
        start = sp["start"]
        end = (start + sp["duration"]) & M64
        if closes:
            low, high = pending.pop(sid)
            col(5).extend(signed_class(low - start, bits))
            col(6).extend(signed_class(end - high, bits))
        else:
            col(7).extend(signed_class(start - prev_end, bits))
            col(8).extend(unsigned_class(sp["duration"], bits))
        prev_end = end
        if sp["parent"] is not None:
            parent = decoded_id(b, sp["parent"])
            low, high = pending.get(parent, (start, end))
            pending[parent] = (min(low, start), max(high, end))
        for position, (key, kind, value) in enumerate(sp["attrs"]):
            k = slots[position][0]
            if kind == 1:
                index = b.s(value) + 1
                repeat = last_strings.get((number, position)) == index
                last_strings[(number, position)] = index
                col(16 + 2 * k).extend(varint(0 if repeat else index))
            elif kind == 2:
                col(17 + 2 * k).extend(svarint(value))
            elif kind not in (4, 5):
                col(10).extend(attr_value(b, kind, value, with_type=False))
        if sp["events"] is not None:
            col(10).extend(varint(len(sp["events"])))
            for name, time, attrs in sp["events"]:
                col(10).extend(b.ref(name) + delta(time, start) + attributes(b, attrs))
        if sp["limits"] is not None:
            col(10).extend(b"".join(varint(n) for n in sp["limits"]))
        if listed_threshold:
            col(11).extend(delta(sp["threshold"], prev_threshold))
            prev_threshold = sp["threshold"]
    if bits.count:
        columns[9] = bytearray(bits.bytes())
    for column_id, data in extra_columns:
        columns[column_id] = bytearray(data)
    body = varint(len(spans)) + varint(len(shapes))
    for name, kind, status, message, has_events, has_limits, slots in shapes:
        body += b.ref(name) + bytes([kind | status << 3 | (32 if has_events else 0) | (64 if has_limits else 0)])
        body += b.ref(message) if status == 2 else b""
        body += varint(len(slots)) + b"".join(varint(key) + bytes([kind]) for key, kind in slots)
    listed = sorted(i for i, data in columns.items() if data)
    body += varint(len(listed)) + b"".join(varint(i) + varint(len(columns[i])) for i in listed)
    body += b"".join(bytes(columns[i]) for i in listed)
    b.add(0x05, body)


# Shared attribute sets.
EVERY_TYPE = [
    ("http.route", 1, "/api/cart"), ("http.status_code", 2, 200), ("ratio", 3, 0.25), ("cached", 4, False),
    ("sampled", 5, True), ("tags", 6, ["a", "b", ""]), ("ports", 7, [80, -443, -(1 << 63), (1 << 63) - 1]),
    ("weights", 8, [1.5, -0.0, 1e-05, 1e300]), ("flags", 9, [0, 1, 2]),
]
ODD_DOUBLES = [("nan", 3, float("nan")), ("inf", 3, float("inf")), ("ninf", 3, float("-inf")), ("zero", 3, -0.0),
               ("tiny", 3, 5e-324), ("big", 3, 9007199254740993.0), ("empty.s", 6, []), ("empty.i", 7, []),
               ("empty.d", 8, []), ("empty.b", 9, [])]
TRACE = ("r", 0x4BF92F3577B34DA6, 0xA3CE929D0E0E4736)


def v1_span_runs():
    """Format version 1: span runs with counter-coded and raw ids, both time anchors, every value type,
    events, limit counts, two span runs sharing state in one block, drop notices of every reason, an unknown
    record, an empty block in the middle (two closed files concatenated)."""
    b = Block(keys=KEYS)
    file_header(b, version=1, attrs=[("deployment.environment", 1, "prod"), ("shard", 2, 3),
                                     ("load", 3, 0.5), ("canary", 5, True), ("zones", 6, ["eu-1", "eu-2"])])
    spans = [
        span(("c", 2), ("c", 1), T0 + 1_000, 400, "cache_lookup", parent=("c", 1), kind=2,
             attrs=[("cache.hit", 5, True)]),
        span(("c", 3), ("c", 1), T0 + 1_500, 1_200, "llm_call", parent=("c", 1), kind=2, status=2,
             message="rate limited", attrs=[("model", 1, "small"), ("tokens", 2, 512)],
             events=[("retry", T0 + 1_900, [("attempt", 2, 2)]), ("gave up", T0 + 2_600, [])]),
        span(("c", 1), ("c", 1), T0, 3_000, "ui_generation", kind=1, status=1, attrs=EVERY_TYPE,
             limits=(3, 1, 2)),
        span(("r", 0x00F067AA0BA902B7), TRACE, T0 + 10_000, 2_500, "GET /cart", kind=1, status=1,
             attrs=[("http.status_code", 2, 200)], anchor="end"),
        span(("c", 7), ("r", 0x1111111111111111, 0x2222222222222222), T0 + 20_000, 0, "producer", kind=3,
             parent=("r", 0x00F067AA0BA902B7), anchor="start", attrs=ODD_DOUBLES),
        span(("c", 9), ("c", 8), T0 + 30_000, 50, "consumer", kind=4, parent=("c", 8), anchor="end"),
    ]
    span_run(b, spans[:3])
    dropped(b, 0, 12)
    span_run(b, spans[3:])  # state carries from the first run: prev_counter 1, prev_end of span 3
    b.add(UNKNOWN_RECORD, b"a record type from a newer writer")
    dropped(b, 1, 3)
    first = b.bytes()

    c = Block()  # no id keys: raw ids only
    file_header(c, version=1, sequence=1, service="checkout", pid=4343)
    span_run(c, [
        span(("r", 0xFFFFFFFFFFFFFFFF), ("r", 0, 1), 5, 10, "at zero", anchor="end"),  # start 5, end 15
        span(("r", 2), ("r", M64, M64), M64 - 4, 10, "wraps past 2^64", anchor="start"),  # end wraps to 5
        span(("r", 3), ("r", 1, 2), T0, (1 << 64) - 1, "longest", kind=2, parent=("r", 2)),
    ])
    dropped(c, 2, 1)
    dropped(c, 9, 4)
    return first + EOF_MARKER + c.bytes() + EOF_MARKER


def v2_span_columns():
    """Format version 2: span columns with children before their parent (closes_children), counter-coded and
    raw ids, repeated strings, a shape with a key twice, sampling thresholds, every value type, events, limit
    counts; a block without keys holding two span columns records, a span run, an unknown record and a
    reserved column and an unknown block header flag."""
    b = Block(keys=KEYS)
    file_header(b, attrs=[("region", 1, "eu")])
    third = 1 << 54  # a threshold of 2^54: a quarter of traces dropped, adjusted count 4/3
    spans = [
        span(("c", 12), ("c", 10), T0 + 100, 300, "cache_lookup", parent=("c", 11), kind=2,
             attrs=[("cache.hit", 4, False), ("cache.key", 1, "user:1")], threshold=third),
        span(("c", 13), ("c", 10), T0 + 500, 900, "llm_call", parent=("c", 11), kind=2, status=2, message="timeout",
             attrs=[("model", 1, "large"), ("tokens", 2, -1)], events=[("first token", T0 + 700, EVERY_TYPE[:3])],
             threshold=third),
        span(("c", 14), ("c", 10), T0 + 1_500, 100, "cache_lookup", parent=("c", 11), kind=2,
             attrs=[("cache.hit", 5, True), ("cache.key", 1, "user:1")], threshold=third),  # "0": repeat
        span(("c", 11), ("c", 10), T0 + 50, 1_700, "ui_generation", parent=("c", 10), kind=0, status=1,
             attrs=EVERY_TYPE, limits=(1, 2, 3), threshold=third),
        span(("c", 10), ("c", 10), T0, 2_000, "POST /api/ui/generate", kind=1, status=1,
             attrs=[("http.route", 1, "/api/ui/generate")], threshold=third),
        span(("r", 0xABCDEF), TRACE, T0 + 5_000, 10, "foreign", parent=("r", 0x123456), kind=4,
             threshold=(1 << 56) - 1),
        span(("c", 20), ("c", 20), T0 + 4_000, 20, "started before the previous ended", kind=3, attrs=ODD_DOUBLES),
        span(("c", 21), ("c", 20), T0 + 4_100, 5, "dup", parent=("c", 20),
             attrs=[("k", 2, 1), ("other", 1, "x"), ("k", 2, 2)]),
    ]
    span_columns(b, spans)
    dropped(b, 0, 2)
    first = b.bytes()

    # No keys; an unknown block header flag; two span columns records (each from fresh state) and a span run in
    # one block.
    c = Block(flags=UNKNOWN_BLOCK_FLAG)
    file_header(c, sequence=1, pid=99)
    k = c.s("k")
    again = c.duplicate("k")  # the same text at a second index: still one key
    span_columns(c, [
        span(("r", 5), ("r", 7, 8), T0 + 100, 10, "a", attrs=[(k, 1, "one"), (again, 1, "two")]),
        span(("r", 6), ("r", 7, 8), T0 + 50, 100, "parent of a?", parent=("r", 9)),
    ], extra_columns=[(UNKNOWN_COLUMN, b"reserved column")])
    c.add(UNKNOWN_RECORD, b"")
    span_columns(c, [
        span(("r", 9), ("r", 7, 8), T0, 500, "root", kind=1),  # pending is fresh: no closes_children
        span(("r", 10), ("r", 7, 8), T0 + 600, 1, "after", parent=("r", 9), threshold=5),
    ])
    span_run(c, [span(("r", 11), ("r", 7, 8), T0 + 700, 3, "a version 1 span in a version 2 file")])
    return first + c.bytes() + EOF_MARKER


def v2_invalid_utf8():
    """Strings that are not valid UTF-8: a reader replaces each maximal invalid subsequence with U+FFFD."""
    b = Block()
    file_header(b, service=b"svc\xff")
    cases = [b"\xe2\x82", b"\xe2\x82A", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\xaf", b"\xf0\x80\x80",
             b"a\xf1\x80\x80\xe1\x80\xc2b\x80c\x80\xbfd", b"ok \xe2\x9c\x93", b"\x00\x01\x1f\x7f\"\\"]
    spans = [span(("r", i + 1), ("r", 1, 1), T0 + i, 1, case, attrs=[(case, 1, case), ("list", 6, [case])])
             for i, case in enumerate(cases)]
    span_columns(b, spans)
    span_run(b, [span(("r", 99), ("r", 1, 1), T0, 1, b"run \xff\xfe", attrs=[("v", 1, b"\xc3")])])
    return b.bytes() + EOF_MARKER


def good_block(name, start, keys=None):
    b = Block(keys=keys)
    span_columns(b, [span(("r", start), ("r", 1, 2), T0 + start, 10, name)])
    return b.bytes()


def v2_damage():
    """A log with damage between good blocks: garbage before the first block, a CRC mismatch, garbage
    between blocks (with a false magic in it), ISIZE above 65536, two BC subfields, a BC subfield of the wrong
    length, bytes after the deflate stream, malformed payloads (spans of the bad record decoded before the
    fault are kept, the records after it are not), a second block header. Ends with the EOF marker."""
    head = Block()
    file_header(head)
    span_columns(head, [span(("r", 1), ("r", 1, 2), T0, 10, "first")])
    parts = [b"not a log\n" * 3, head.bytes()]
    parts.append(bytearray(good_block("crc", 2)))
    parts[-1][-8] ^= 0xFF  # CRC32
    parts.append(good_block("after crc", 3))
    parts.append(b"\x00garbage \x1f\x8b\x08\x04 false magic\x00")
    parts.append(good_block("after garbage", 4))
    b = Block()
    span_columns(b, [span(("r", 5), ("r", 1, 2), T0, 10, "isize")])
    parts.append(b.bytes(isize=70000))
    parts.append(good_block("after isize", 6))
    b = Block()
    span_columns(b, [span(("r", 7), ("r", 1, 2), T0, 10, "two BC")])
    parts.append(b.bytes(extra=[b"BC\x02\x00", None, b"BC\x02\x00", None]))
    parts.append(good_block("after two BC", 8))
    b = Block()
    span_columns(b, [span(("r", 9), ("r", 1, 2), T0, 10, "BC of length 4")])
    parts.append(b.bytes(extra=[b"BC\x04\x00", None, b"\x00\x00"]))
    parts.append(good_block("after long BC", 10))
    b = Block()
    span_columns(b, [span(("r", 11), ("r", 1, 2), T0, 10, "trailing deflate bytes")])
    raw = b.payload()
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = compressor.compress(raw) + compressor.flush() + b"\x00\x00"
    parts.append(b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
                 + struct.pack("<H", 18 + len(cdata) + 8 - 1) + cdata + struct.pack("<II", zlib.crc32(raw), len(raw)))
    parts.append(good_block("after trailing bytes", 12))
    # Malformed span columns: the third span names a shape that does not exist. The drop notice before the record
    # and the first two spans are kept; the drop notice after it is not.
    b = Block()
    dropped(b, 0, 5)
    bad = span(("r", 15), ("r", 1, 2), T0, 10, "not kept")
    bad["force_shape"] = 7
    span_columns(b, [span(("r", 13), ("r", 1, 2), T0, 10, "kept 1"), span(("r", 14), ("r", 1, 2), T0, 10, "kept 2"),
                     bad])
    dropped(b, 1, 6)
    parts.append(b.bytes())
    parts.append(good_block("after bad shape", 16))
    # Malformed span run: the second span has a reserved flag bit (12) set; the first is kept.
    b = Block()
    span_run(b, [span(("r", 17), ("r", 1, 2), T0, 10, "run kept")])
    span_run(b, [span(("r", 18), ("r", 1, 2), T0, 10, "run bad")], flag_extra=1 << 12)
    parts.append(b.bytes())
    # A second block header record: malformed from there on.
    b = Block()
    span_columns(b, [span(("r", 19), ("r", 1, 2), T0, 10, "before second header")])
    b.records.append(record(0x01, b"\x00\x00"))
    span_columns(b, [span(("r", 20), ("r", 1, 2), T0, 10, "after second header")])
    parts.append(b.bytes())
    # A block that does not start with a block header record.
    parts.append(block(record(0x04, b"\x00\x01\x02")))
    parts.append(good_block("last", 21))
    return b"".join(bytes(p) for p in parts) + EOF_MARKER


def v2_torn_tail():
    """Good blocks, then a block the file ends inside of (a crash mid-write): no EOF marker."""
    b = Block(keys=KEYS)
    file_header(b)
    span_columns(b, [span(("c", 1), ("c", 1), T0, 10, "written")])
    torn = good_block("torn", 2)
    return b.bytes() + good_block("written too", 3) + torn[: len(torn) // 2]


def v2_torn_only_block():
    """A log torn inside its first and only block: a damaged log with nothing left to read."""
    b = Block()
    file_header(b)
    span_columns(b, [span(("r", 1), ("r", 1, 2), T0, 10, "lost")])
    data = b.bytes()
    return data[: len(data) - 5]


def v1000_future_version():
    """A file header of format version 1000, newer than any reader will be, with a record type and a column no
    version knows: a reader reads what it knows, skips the rest and warns (section 2.3)."""
    b = Block(keys=KEYS)
    file_header(b, version=1000)
    b.add(UNKNOWN_RECORD, b"\x01\x02\x03 a record of a later version")
    span_columns(b, [span(("c", 1), ("c", 1), T0, 10, "future root", kind=1),
                     span(("c", 2), ("c", 1), T0 + 1, 5, "future child", parent=("c", 1))],
                 extra_columns=[(UNKNOWN_COLUMN, b"\x01\x02\xff")])
    return b.bytes() + EOF_MARKER


def v2_limits():
    """Two bounds of section 2.5: a span columns record whose spans add up to more than 65536 attribute slots is
    malformed from the span that passes the bound (the spans before it are kept); and `parent_is_counter` without
    `has_parent` is ignored, also in a block without id keys."""
    b = Block()
    file_header(b)
    orphan = span(("r", 1), ("r", 1, 2), T0, 10, "parent_is_counter without a parent")
    orphan["flag_extra"] = 8
    span_columns(b, [orphan])
    many = [("flag", 5, True)] * 30_000  # one key 30,000 times: 30,000 slots, one attribute
    span_columns(b, [span(("r", n), ("r", 1, 2), T0 + n, 10, "many slots", attrs=many) for n in (2, 3, 4)])
    return b.bytes() + EOF_MARKER


BUILDERS = {
    "v1-span-runs.tklog": v1_span_runs,
    "v2-span-columns.tklog": v2_span_columns,
    "v2-invalid-utf8.tklog": v2_invalid_utf8,
    "v2-damage.tklog": v2_damage,
    "v2-torn-tail.tklog": v2_torn_tail,
    "v2-torn-only-block.tklog": v2_torn_only_block,
    "v1000-future-version.tklog": v1000_future_version,
    "v2-limits.tklog": v2_limits,
}


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name, build in BUILDERS.items():
        path = os.path.join(argv[1], name)
        if os.path.exists(path):
            continue  # the corpus only grows: an existing log is never rewritten
        with open(path, "wb") as handle:
            handle.write(build())
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
