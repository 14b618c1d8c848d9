"""quantnb plugin SDK: the JSON-lines protocol, value marshalling, and a small Parquet reader/writer.

Standard library only (numpy is used when importable, for speed). quantnb puts this folder on PYTHONPATH
when it starts a plugin, so a plugin does:

    from quantnb_plugin import StreamStrategy

    class Sma(StreamStrategy):
        def on_candle(self, candle, context):
            ...
            return {"type": "entry"}

    if __name__ == "__main__":
        Sma().run()

Protocol (version 1): one JSON object per line. quantnb sends {"id": n, "method": m, "params": {...}}; the
plugin answers {"id": n, "result": ...} or {"id": n, "error": {"message": ..., "type": ..., "traceback": ...}}.
Methods: stream mode initialize(config), on_candle(candle, context), on_alert(alert, context), on_exit(context);
batch mode initialize(config), generate(params, data); both shutdown() (reply, then exit 0).

Marshalling, both ways: finite numbers are JSON numbers; NaN, Infinity and -Infinity are {"$f": "NaN"},
{"$f": "Infinity"}, {"$f": "-Infinity"}; dates are {"$date": "YYYY-MM-DD"} (datetime.date) and timestamps
{"$date": "YYYY-MM-DDTHH:MM:SS.sssZ"} (timezone-aware datetime.datetime in UTC); a Parquet file is
{"$parquet": "relative/path.parquet"} inside the plugin's working folder.
"""

import datetime as _dt
import json
import math
import struct
import sys
import traceback


class _LazyNumpy:
    """numpy when importable, imported on first use (stream plugins never pay for it); falsy when absent."""

    def __init__(self):
        self._module = False

    def _load(self):
        if self._module is False:
            try:
                import numpy

                self._module = numpy
            except ImportError:  # the stdlib-only example runs without numpy
                self._module = None
        return self._module

    def __bool__(self):
        return self._load() is not None

    def __getattr__(self, name):
        return getattr(self._load(), name)


_np = _LazyNumpy()

PROTOCOL = 1
_UTC = _dt.timezone.utc


# ---------------------------------------------------------------------------------------------- marshalling
def encode(value):
    """Converts a Python value to protocol JSON: non-finite floats and dates tagged, numpy values unwrapped."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return {"$f": "NaN"}
        if math.isinf(value):
            return {"$f": "Infinity" if value > 0 else "-Infinity"}
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"timestamp {value!r} has no timezone: use a UTC-aware datetime")
        utc = value.astimezone(_UTC)
        return {"$date": utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"}
    if isinstance(value, _dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if _np:
        if isinstance(value, _np.ndarray):
            return [encode(v) for v in value.tolist()]
        if isinstance(value, _np.generic):
            return encode(value.item())
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return encode(value.to_pydatetime())
    raise TypeError(f"cannot send a {type(value).__name__} over the protocol: {value!r}")


def _decode_tag(obj):
    if len(obj) == 1:
        if "$f" in obj:
            return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}[obj["$f"]]
        if "$date" in obj:
            text = obj["$date"]
            if len(text) == 10:
                return _dt.date.fromisoformat(text)
            return _dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=_UTC)
    return obj


def decode(text):
    """Parses one protocol JSON text into Python values (NaN/Infinity floats, dates, datetimes)."""
    return json.loads(text, object_hook=_decode_tag)


def dumps(value):
    """One protocol JSON line (strict JSON: no bare NaN/Infinity tokens)."""
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


# ------------------------------------------------------------------------------------------------- protocol
def serve(handlers, stdin=None, stdout=None):
    """Answers protocol requests with `handlers[method](**params)` until shutdown or end of input."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    for line in stdin:
        if not line.strip():
            continue
        request = decode(line)
        rid = request.get("id")
        method = request.get("method")
        try:
            if method == "shutdown":
                stdout.write(dumps({"id": rid, "result": None}) + "\n")
                stdout.flush()
                return
            handler = handlers.get(method)
            if handler is None:
                raise NotImplementedError(f"method {method!r} is not implemented by this plugin")
            reply = {"id": rid, "result": handler(**(request.get("params") or {}))}
            text = dumps(reply)
        except Exception as error:  # reported to quantnb, which fails the run naming the call
            text = dumps({
                "id": rid,
                "error": {"message": str(error), "type": type(error).__name__, "traceback": traceback.format_exc()},
            })
        stdout.write(text + "\n")
        stdout.flush()


class StreamStrategy:
    """Base class of a stream plugin: override on_candle (and optionally the others); run() serves them."""

    def initialize(self, config):
        self.config = config
        self.params = config.get("params", {})
        return {"protocol": PROTOCOL}

    def on_candle(self, candle, context):
        return {"type": "hold"}

    def on_alert(self, alert, context):
        return {"type": "hold"}

    def on_exit(self, context):
        return None

    def run(self):
        serve({
            "initialize": lambda config: self.initialize(config),
            "on_candle": lambda candle, context: self.on_candle(candle, context),
            "on_alert": lambda alert, context: self.on_alert(alert, context),
            "on_exit": lambda context: self.on_exit(context),
        })


class BatchStrategy:
    """Base class of a batch plugin: override generate(params, data); run() serves it."""

    def initialize(self, config):
        self.config = config
        return {"protocol": PROTOCOL}

    def generate(self, params, data):
        raise NotImplementedError("generate(params, data) must return {'signal' | 'weights': ...}")

    def run(self):
        serve({
            "initialize": lambda config: self.initialize(config),
            "generate": lambda params, data: self.generate(params, data),
        })


# --------------------------------------------------------------------------------- thrift compact protocol
class _Reader:
    def __init__(self, buf, pos=0):
        self.buf = buf
        self.pos = pos

    def byte(self):
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self):
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, ctype):
        if ctype == 1:
            return True
        if ctype == 2:
            return False
        if ctype == 3:
            return struct.unpack_from("<b", self.buf, self._skip(1))[0]
        if ctype in (4, 5, 6):
            return self.zigzag()
        if ctype == 7:
            return struct.unpack_from("<d", self.buf, self._skip(8))[0]
        if ctype == 8:
            n = self.varint()
            return bytes(self.buf[self._skip(n) : self.pos])
        if ctype in (9, 10):
            head = self.byte()
            size, etype = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            if etype in (1, 2):  # booleans in a list are one byte each
                return [self.byte() == 1 for _ in range(size)]
            return [self.value(etype) for _ in range(size)]
        if ctype == 11:
            size = self.varint()
            types = self.byte() if size else 0
            return {self.value(types >> 4): self.value(types & 0x0F) for _ in range(size)}
        if ctype == 12:
            return self.struct()
        raise ValueError(f"thrift: unknown compact type {ctype}")

    def _skip(self, n):
        start = self.pos
        self.pos += n
        return start

    def struct(self):
        fields = {}
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            delta, ctype = head >> 4, head & 0x0F
            fid = last + delta if delta else self.zigzag()
            fields[fid] = self.value(ctype)
            last = fid


class _Writer:
    def __init__(self):
        self.out = bytearray()
        self.last = [0]

    def varint(self, n):
        while True:
            b = n & 0x7F
            n >>= 7
            if n:
                self.out.append(b | 0x80)
            else:
                self.out.append(b)
                return

    def field(self, fid, ctype):
        delta = fid - self.last[-1]
        if 0 < delta <= 15:
            self.out.append((delta << 4) | ctype)
        else:
            self.out.append(ctype)
            self.varint((fid << 1) ^ (fid >> 63))
        self.last[-1] = fid

    def i32(self, fid, n):
        self.field(fid, 5)
        self.varint((n << 1) ^ (n >> 63))

    def i64(self, fid, n):
        self.field(fid, 6)
        self.varint((n << 1) ^ (n >> 63))

    def binary(self, fid, data):
        self.field(fid, 8)
        self.varint(len(data))
        self.out += data

    def begin(self, fid):
        self.field(fid, 12)
        self.last.append(0)

    def end(self):
        self.out.append(0)
        self.last.pop()

    def list(self, fid, etype, items, write):
        self.field(fid, 9)
        if len(items) < 15:
            self.out.append((len(items) << 4) | etype)
        else:
            self.out.append(0xF0 | etype)
            self.varint(len(items))
        for item in items:
            write(item)


# ----------------------------------------------------------------------------------------------------- Parquet
_PLAIN, _PLAIN_DICT, _RLE, _RLE_DICT = 0, 2, 3, 8
_BOOLEAN, _INT32, _INT64, _FLOAT, _DOUBLE, _BYTE_ARRAY = 0, 1, 2, 4, 5, 6
_FIXED = {_INT32: ("i", 4), _INT64: ("q", 8), _FLOAT: ("f", 4), _DOUBLE: ("d", 8)}


def _rle_hybrid(buf, pos, end, bit_width, count):
    """Decodes `count` values of the RLE / bit-packing hybrid encoding from buf[pos:end].

    Returns a numpy int64 array when numpy is importable, else a list.
    """
    parts = []
    got = 0
    byte_width = (bit_width + 7) // 8
    mask = (1 << bit_width) - 1
    while got < count and pos < end:
        r = _Reader(buf, pos)
        header = r.varint()
        pos = r.pos
        if header & 1:  # bit-packed groups of 8 values
            n = (header >> 1) * 8
            nbytes = (header >> 1) * bit_width
            if _np and bit_width:
                bits = _np.unpackbits(_np.frombuffer(buf, dtype=_np.uint8, count=nbytes, offset=pos), bitorder="little")
                vals = bits.reshape(-1, bit_width).astype(_np.int64) @ (1 << _np.arange(bit_width, dtype=_np.int64))
            else:
                vals = []
                acc = bits = 0
                k = pos
                for _ in range(n):
                    while bits < bit_width:
                        acc |= buf[k] << bits
                        k += 1
                        bits += 8
                    vals.append(acc & mask)
                    acc >>= bit_width
                    bits -= bit_width
            pos += nbytes
        else:  # a run of one repeated value
            n = header >> 1
            value = int.from_bytes(buf[pos : pos + byte_width], "little") if byte_width else 0
            vals = _np.full(n, value, dtype=_np.int64) if _np else [value] * n
            pos += byte_width
        parts.append(vals)
        got += n
    if _np:
        out = _np.concatenate(parts) if parts else _np.zeros(0, dtype=_np.int64)
        return out[:count]
    return [v for part in parts for v in part][:count]


def _plain(buf, pos, ptype, count):
    """Decodes `count` PLAIN values of a physical type; returns (values, new position)."""
    if ptype in _FIXED:
        code, size = _FIXED[ptype]
        end = pos + size * count
        if _np:
            return _np.frombuffer(buf, dtype="<" + code, count=count, offset=pos), end
        return list(struct.unpack_from(f"<{count}{code}", buf, pos)), end
    if ptype == _BYTE_ARRAY:
        vals = []
        for _ in range(count):
            n = struct.unpack_from("<i", buf, pos)[0]
            vals.append(bytes(buf[pos + 4 : pos + 4 + n]).decode("utf-8"))
            pos += 4 + n
        return (_np.array(vals, dtype=object) if _np else vals), pos
    if ptype == _BOOLEAN:
        return [bool((buf[pos + k // 8] >> (k % 8)) & 1) for k in range(count)], pos + (count + 7) // 8
    raise ValueError(f"Parquet: physical type {ptype} is not supported by the SDK reader")


def read_parquet(path, columns=None):
    """Reads an uncompressed Parquet file (as quantnb writes them) into {column: values}.

    `columns` (a list of names) reads only those, in that order; the others are not decoded.

    With numpy: numeric columns are numpy arrays, strings object arrays, DATE columns datetime64[D] and
    TIMESTAMP columns datetime64 (UTC); nulls are NaN / None / NaT. Without numpy: lists (dates as
    datetime.date, timestamps as UTC datetimes). Compressed files need pandas + pyarrow in the plugin's venv.
    """
    with open(path, "rb") as fh:
        buf = fh.read()
    if buf[:4] != b"PAR1" or buf[-4:] != b"PAR1":
        raise ValueError(f"{path}: not a Parquet file")
    meta_len = struct.unpack_from("<i", buf, len(buf) - 8)[0]
    meta = _Reader(buf, len(buf) - 8 - meta_len).struct()
    schema = meta[2][1:]
    names = [s[4].decode() for s in schema]
    wanted = list(columns) if columns is not None else names
    missing = [c for c in wanted if c not in names]
    if missing:
        raise KeyError(f"{path}: no column {', '.join(missing)} (columns: {', '.join(names)})")
    parts = {name: [] for name in names}
    for group in meta.get(4, []):
        for k, chunk in enumerate(group[1]):
            if names[k] not in wanted:
                continue
            cm = chunk[3]
            if cm.get(4, 0) != 0:
                raise ValueError(
                    f"{path}: column {names[k]} is compressed (codec {cm[4]}); the SDK reads uncompressed Parquet only"
                )
            parts[names[k]].extend(_read_chunk(buf, cm, schema[k]))
    return {name: _finish_column(parts[name], schema[names.index(name)]) for name in wanted}


def _read_chunk(buf, cm, element):
    """The pages of one column chunk, each decoded to values (None at nulls)."""
    ptype = cm[1]
    total = cm[5]
    optional = element.get(3, 0) == 1
    pos = cm[11] if cm.get(11) else cm[9]
    dictionary = None
    out = []
    seen = 0
    while seen < total:
        r = _Reader(buf, pos)
        header = r.struct()
        start = r.pos
        pos = start + header[3]
        kind = header[1]
        if kind == 2:  # dictionary page
            dictionary, _ = _plain(buf, start, ptype, header[7][1])
            continue
        if kind not in (0, 3):
            continue
        p = start
        if kind == 0:
            n, encoding = header[5][1], header[5][2]
            defined = None
            if optional:
                length = struct.unpack_from("<i", buf, p)[0]
                defined = _rle_hybrid(buf, p + 4, p + 4 + length, 1, n)
                p += 4 + length
        else:
            v2 = header[8]
            n, encoding = v2[1], v2[4]
            p += v2.get(6, 0)  # repetition levels (none for flat columns)
            defined = None
            if optional:
                defined = _rle_hybrid(buf, p, p + v2[5], 1, n)
                p += v2[5]
        present = n if defined is None else int(sum(defined))
        if encoding in (_PLAIN_DICT, _RLE_DICT):
            idx = _rle_hybrid(buf, p + 1, pos, buf[p], present)
            vals = dictionary[idx] if _np else [dictionary[i] for i in idx]
        elif encoding == _PLAIN:
            vals, _ = _plain(buf, p, ptype, present)
        else:
            raise ValueError(f"Parquet: encoding {encoding} is not supported by the SDK reader")
        if present != n:  # spread the present values over the rows, None at nulls
            it = iter(vals.tolist() if hasattr(vals, "tolist") else vals)
            vals = [next(it) if d else None for d in (defined.tolist() if hasattr(defined, "tolist") else defined)]
        out.append(vals)
        seen += n
    return out


def _finish_column(pages, element):
    """Concatenates a column's pages and applies its logical type (DATE, TIMESTAMP, strings)."""
    logical = element.get(10, {})
    converted = element.get(6)
    ptype = element.get(1)
    is_date = 6 in logical or converted == 6
    is_ts = 8 in logical or converted in (9, 10)
    unit = "ms"
    if is_ts:
        u = logical.get(8, {}).get(2, {})
        unit = "ms" if (1 in u or converted == 9) else "us" if (2 in u or converted == 10) else "ns"
    dense = all(hasattr(p, "dtype") for p in pages)
    if _np:
        if dense and pages:
            arr = _np.concatenate(pages)
        else:
            flat = [v for p in pages for v in (p.tolist() if hasattr(p, "tolist") else p)]
            if ptype in (_FLOAT, _DOUBLE):
                arr = _np.array([_np.nan if v is None else v for v in flat], dtype=float)
            elif ptype in (_INT32, _INT64) and (is_date or is_ts):
                arr = _np.array([_np.iinfo(_np.int64).min if v is None else v for v in flat], dtype=_np.int64)
            else:
                arr = _np.array(flat, dtype=object)
        if is_date:
            return arr.astype("datetime64[D]")
        if is_ts:
            return arr.astype(_np.int64).astype(f"datetime64[{unit}]")
        return arr
    flat = [v for p in pages for v in p]
    if is_date:
        base = _dt.date(1970, 1, 1)
        return [None if v is None else base + _dt.timedelta(days=v) for v in flat]
    if is_ts:
        scale = {"ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
        return [None if v is None else _dt.datetime.fromtimestamp(v / scale, _UTC) for v in flat]
    if ptype in (_FLOAT, _DOUBLE):
        return [math.nan if v is None else v for v in flat]
    return flat


def write_parquet(path, columns):
    """Writes {name: sequence} as an uncompressed Parquet file with REQUIRED PLAIN columns, one row group.

    float sequences (or float numpy arrays) become DOUBLE (NaN kept), ints INT64, str UTF-8 strings,
    datetime.date DATE. The file is written to `path + ".tmp"` and renamed, so no half-written file is seen.
    """
    import os

    names = list(columns)
    if not names:
        raise ValueError("write_parquet: no columns")
    lengths = {len(columns[n]) for n in names}
    if len(lengths) != 1:
        raise ValueError(f"write_parquet: columns have different lengths {sorted(lengths)}")
    nrows = lengths.pop()
    body = bytearray(b"PAR1")
    chunks = []
    for name in names:
        ptype, data, extra = _encode_column(name, columns[name])
        page = _Writer()
        page.i32(1, 0)  # DATA_PAGE
        page.i32(2, len(data))
        page.i32(3, len(data))
        page.begin(5)
        page.i32(1, nrows)
        page.i32(2, _PLAIN)
        page.i32(3, _RLE)
        page.i32(4, _RLE)
        page.end()
        page.out.append(0)
        offset = len(body)
        body += page.out + data
        chunks.append((name, ptype, extra, offset, len(page.out) + len(data)))
    meta = _Writer()
    meta.i32(1, 1)
    elements = [("schema", None, None)] + [(c[0], c[1], c[2]) for c in chunks]

    def schema_element(el):
        name, ptype, extra = el
        if ptype is None:
            meta.last.append(0)
            meta.binary(4, name.encode())
            meta.i32(5, len(chunks))
            meta.end()
            return
        meta.last.append(0)
        meta.i32(1, ptype)
        meta.i32(3, 0)  # REQUIRED
        meta.binary(4, name.encode())
        if extra == "string":
            meta.i32(6, 0)  # UTF8
        elif extra == "date":
            meta.i32(6, 6)  # DATE
        meta.end()

    meta.list(2, 12, elements, schema_element)
    meta.i64(3, nrows)

    def row_group(_):
        meta.last.append(0)

        def column_chunk(c):
            name, ptype, _extra, offset, size = c
            meta.last.append(0)
            meta.i64(2, offset)
            meta.begin(3)
            meta.i32(1, ptype)
            meta.list(2, 5, [_PLAIN, _RLE], lambda e: meta.varint((e << 1) ^ (e >> 63)))
            meta.list(3, 8, [name], lambda s: (meta.varint(len(s.encode())), meta.out.extend(s.encode())))
            meta.i32(4, 0)  # UNCOMPRESSED
            meta.i64(5, nrows)
            meta.i64(6, size)
            meta.i64(7, size)
            meta.i64(9, offset)
            meta.end()
            meta.end()

        meta.list(1, 12, chunks, column_chunk)
        meta.i64(2, sum(c[4] for c in chunks))
        meta.i64(3, nrows)
        meta.end()

    meta.list(4, 12, [0], row_group)
    meta.binary(6, b"quantnb plugin sdk")
    meta.out.append(0)
    body += meta.out + struct.pack("<i", len(meta.out)) + b"PAR1"
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as fh:
        fh.write(body)
    os.replace(tmp, path)


def _encode_column(name, values):
    if _np and isinstance(values, _np.ndarray):
        if values.dtype.kind == "f":
            return _DOUBLE, values.astype("<f8").tobytes(), None
        if values.dtype.kind in "iu":
            return _INT64, values.astype("<i8").tobytes(), None
        values = values.tolist()
    values = list(values)
    if all(isinstance(v, str) for v in values):
        out = bytearray()
        for v in values:
            b = v.encode("utf-8")
            out += struct.pack("<i", len(b)) + b
        return _BYTE_ARRAY, bytes(out), "string"
    if all(isinstance(v, _dt.date) and not isinstance(v, _dt.datetime) for v in values):
        base = _dt.date(1970, 1, 1)
        return _INT32, struct.pack(f"<{len(values)}i", *[(v - base).days for v in values]), "date"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return _INT64, struct.pack(f"<{len(values)}q", *values), None
    try:
        return _DOUBLE, struct.pack(f"<{len(values)}d", *[float(v) for v in values]), None
    except (TypeError, ValueError):
        raise TypeError(f"write_parquet: column {name!r} mixes types; expected all float, int, str or date") from None
