"""python3-avro side of the interop tests. Frames are 4-byte big-endian length + Avro binary datum.

gen SCHEMA OUT_BIN OUT_JSON COUNT SEED      generate datums, write frames and their Avro-JSON (after a decode round trip)
check SCHEMA IN_BIN OUT_JSON                decode frames, write {"json": [...], "reencoded": [hex, ...]}
cwrite SCHEMA OUT_AVRO OUT_JSON CODEC COUNT SEED   write a container file and the Avro-JSON of its datums
cread IN_AVRO OUT_JSON                      read a container file, write the Avro-JSON of its datums
"""
import datetime, io, json, random, struct, sys
import avro.schema, avro.io, avro.datafile

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
NAMED = ('record', 'error', 'enum', 'fixed')


def logical(s):
    return s.props.get('logicalType') if hasattr(s, 'props') else None


def gen(s, r, depth):
    t = s.type
    if t == 'union':
        options = [b for b in s.schemas if depth < 3 or b.type not in ('record', 'array', 'map')]
        return gen(r.choice(options), r, depth + 1)
    if t in ('record', 'error'):
        return {f.name: gen(f.type, r, depth + 1) for f in s.fields}
    if t == 'enum':
        return r.choice(s.symbols)
    if t == 'fixed':
        return bytes(r.getrandbits(8) for _ in range(s.size))
    if t == 'array':
        return [gen(s.items, r, depth + 1) for _ in range(r.randint(0, 3) if depth < 4 else 0)]
    if t == 'map':
        return {'k%d' % r.randint(0, 999): gen(s.values, r, depth + 1) for _ in range(r.randint(0, 3) if depth < 4 else 0)}
    if t == 'long' and logical(s) == 'timestamp-millis':
        return EPOCH + datetime.timedelta(milliseconds=r.randint(0, 4_000_000_000_000))
    return {
        'null': lambda: None,
        'boolean': lambda: r.random() < 0.5,
        'int': lambda: r.randint(-2**31, 2**31 - 1),
        'long': lambda: r.randint(-2**63, 2**63 - 1),
        'float': lambda: r.uniform(-1e6, 1e6),
        'double': lambda: r.uniform(-1e12, 1e12),
        'bytes': lambda: bytes(r.getrandbits(8) for _ in range(r.randint(0, 7))),
        'string': lambda: 'p%d%s' % (r.randint(0, 10**9), '\u00e9\u2713' if r.random() < 0.3 else ''),
    }[t]()


def to_json(s, d):
    t = s.type
    if t == 'union':
        for b in s.schemas:
            if avro.io.validate(b, d):
                if b.type == 'null':
                    return None
                return {(b.fullname if b.type in NAMED else b.type): to_json(b, d)}
        raise ValueError('no branch for %r' % (d,))
    if t in ('record', 'error'):
        return {f.name: to_json(f.type, d[f.name]) for f in s.fields}
    if t == 'array':
        return [to_json(s.items, x) for x in d]
    if t == 'map':
        return {k: to_json(s.values, v) for k, v in d.items()}
    if t in ('bytes', 'fixed'):
        return d.decode('latin-1')
    if isinstance(d, datetime.datetime):
        return (d - EPOCH) // datetime.timedelta(milliseconds=1)
    return d


def encode(schema, d):
    buf = io.BytesIO()
    avro.io.DatumWriter(schema).write(d, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


def decode(schema, b):
    return avro.io.DatumReader(schema, schema).read(avro.io.BinaryDecoder(io.BytesIO(b)))


def frames(path):
    data = open(path, 'rb').read()
    i = 0
    while i < len(data):
        n = struct.unpack('>I', data[i:i + 4])[0]
        yield data[i + 4:i + 4 + n]
        i += 4 + n


def main(argv):
    mode = argv[0]
    if mode == 'cread':
        with avro.datafile.DataFileReader(open(argv[1], 'rb'), avro.io.DatumReader()) as reader:
            schema = reader.datum_reader.writers_schema
            out = [to_json(schema, d) for d in reader]
        json.dump(out, open(argv[2], 'w'))
        return
    schema = avro.schema.parse(open(argv[1]).read())
    if mode == 'gen':
        r = random.Random(int(argv[5]))
        out, js = open(argv[2], 'wb'), []
        for _ in range(int(argv[4])):
            b = encode(schema, gen(schema, r, 0))
            out.write(struct.pack('>I', len(b)) + b)
            js.append(to_json(schema, decode(schema, b)))
        json.dump(js, open(argv[3], 'w'))
    elif mode == 'check':
        js, hexes = [], []
        for b in frames(argv[2]):
            d = decode(schema, b)
            js.append(to_json(schema, d))
            hexes.append(encode(schema, d).hex())
        json.dump({'json': js, 'reencoded': hexes}, open(argv[3], 'w'))
    elif mode == 'cwrite':
        r = random.Random(int(argv[6]))
        datums = [gen(schema, r, 0) for _ in range(int(argv[5]))]
        with avro.datafile.DataFileWriter(open(argv[2], 'wb'), avro.io.DatumWriter(), schema, codec=argv[4]) as w:
            for d in datums:
                w.append(d)
        with avro.datafile.DataFileReader(open(argv[2], 'rb'), avro.io.DatumReader()) as reader:
            json.dump([to_json(schema, d) for d in reader], open(argv[3], 'w'))
    else:
        raise SystemExit('unknown mode ' + mode)


if __name__ == '__main__':
    main(sys.argv[1:])
