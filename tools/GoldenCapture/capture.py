#!/usr/bin/python3
"""Golden Kafka frame capture.

Runs third-party Kafka clients (kcat, python3-kafka, confluent-kafka-python) against librdkafka's
mock cluster, records the loopback traffic with tcpdump, reassembles each TCP connection, splits it
into whole Kafka frames (4-byte size prefix + payload) and stores selected request/response pairs as
fixtures plus MANIFEST.md and manifest.tsv.

Usage (root, Debian python3 with the peers from scripts/install-peers.sh, plus tcpdump):
    /usr/bin/python3 tools/GoldenCapture/capture.py [--out DIR] [--only SCENARIO ...] [--keep-pcap DIR]

Only request header fields are decoded (api_key, api_version, correlation_id, client_id) and the
response correlation id; everything else is stored byte-for-byte as the peers sent it.
"""
import argparse
import ctypes
import datetime
import glob
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "tests", "Client.Protocol.Tests", "Fixtures", "golden")
SPEC_DIRS = [os.path.join(REPO, "..", "shared", "reference", "kafka", "messages"),
             os.path.join(REPO, "..", "..", "shared", "reference", "kafka", "messages")]
TOPIC = "golden"
CODECS = ["none", "gzip", "snappy", "lz4", "zstd"]


# ---------------------------------------------------------------------------------------------
# Spec table: api name and flexible versions per api key (for header versions in the manifest).

def load_specs():
    for d in SPEC_DIRS:
        if os.path.isdir(d):
            break
    else:
        sys.exit("capture: cannot find shared/reference/kafka/messages")
    specs = {}
    for path in glob.glob(os.path.join(d, "*Request.json")):
        text = "\n".join(l for l in open(path, encoding="utf-8") if not l.lstrip().startswith("//"))
        spec = json.loads(text)
        flex = spec.get("flexibleVersions", "none")
        first_flex = None if flex == "none" else int(flex.rstrip("+"))
        specs[spec["apiKey"]] = (spec["name"][: -len("Request")], first_flex)
    return specs


def header_versions(specs, api_key, api_version):
    name, first_flex = specs.get(api_key, ("Api%d" % api_key, None))
    flexible = first_flex is not None and api_version >= first_flex
    req = 2 if flexible else 1
    if api_key == 7 and api_version == 0:  # ControlledShutdown v0 has no client id
        req = 0
    resp = 1 if flexible else 0
    if api_key == 18:  # ApiVersions responses always use header v0 (KIP-511)
        resp = 0
    return name, req, resp


# ---------------------------------------------------------------------------------------------
# librdkafka mock cluster through ctypes (same calls as Samsa.Testing.LibrdkafkaMockCluster).

class MockCluster:
    def __init__(self, brokers=1):
        lib = ctypes.CDLL("librdkafka.so.1")
        self.lib = lib
        lib.rd_kafka_conf_new.restype = ctypes.c_void_p
        lib.rd_kafka_conf_set.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_new.restype = ctypes.c_void_p
        lib.rd_kafka_new.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        lib.rd_kafka_mock_cluster_new.restype = ctypes.c_void_p
        lib.rd_kafka_mock_cluster_new.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.rd_kafka_mock_cluster_bootstraps.restype = ctypes.c_char_p
        lib.rd_kafka_mock_cluster_bootstraps.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_mock_topic_create.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int]
        lib.rd_kafka_mock_cluster_destroy.argtypes = [ctypes.c_void_p]
        lib.rd_kafka_destroy.argtypes = [ctypes.c_void_p]
        err = ctypes.create_string_buffer(512)
        conf = lib.rd_kafka_conf_new()
        lib.rd_kafka_conf_set(conf, b"log_level", b"3", err, 512)
        self.rk = lib.rd_kafka_new(0, conf, err, 512)
        if not self.rk:
            raise RuntimeError("rd_kafka_new: " + err.value.decode())
        self.mc = lib.rd_kafka_mock_cluster_new(self.rk, brokers)
        self.bootstraps = lib.rd_kafka_mock_cluster_bootstraps(self.mc).decode()
        self.ports = [int(hp.rsplit(":", 1)[1]) for hp in self.bootstraps.split(",")]

    def create_topic(self, name, partitions, replication):
        rc = self.lib.rd_kafka_mock_topic_create(self.mc, name.encode(), partitions, replication)
        if rc != 0:
            raise RuntimeError("topic create failed: %d" % rc)

    def close(self):
        self.lib.rd_kafka_mock_cluster_destroy(self.mc)
        self.lib.rd_kafka_destroy(self.rk)


# ---------------------------------------------------------------------------------------------
# tcpdump + pcap reassembly

class Sniffer:
    def __init__(self, ports, path):
        flt = " or ".join("tcp port %d" % p for p in ports)
        self.path = path
        self.proc = subprocess.Popen(["tcpdump", "-i", "lo", "-s", "0", "-U", "--immediate-mode", "-Z", "root", "-w", path, flt],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        line = self.proc.stderr.readline().decode()  # "listening on lo, ..." once ready
        if "listening" not in line:
            raise RuntimeError("tcpdump did not start: " + line)
        time.sleep(1.0)  # "listening" is printed slightly before the capture is live

    def stop(self):
        time.sleep(0.5)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)


def read_pcap(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        pkt = data[off + 16: off + 16 + incl]
        off += 16 + incl
        if linktype == 1:      # Ethernet (Linux lo)
            ethertype = struct.unpack(">H", pkt[12:14])[0]
            pkt = pkt[14:]
        elif linktype == 113:  # Linux cooked
            ethertype = struct.unpack(">H", pkt[14:16])[0]
            pkt = pkt[16:]
        else:
            raise RuntimeError("unsupported link type %d" % linktype)
        if ethertype == 0x0800:
            ihl = (pkt[0] & 0x0F) * 4
            total = struct.unpack(">H", pkt[2:4])[0]
            src, dst = pkt[12:16], pkt[16:20]
            if pkt[9] != 6:
                continue
            seg = pkt[ihl:total]
        elif ethertype == 0x86DD:
            if pkt[6] != 6:
                continue
            plen = struct.unpack(">H", pkt[4:6])[0]
            src, dst = pkt[8:24], pkt[24:40]
            seg = pkt[40:40 + plen]
        else:
            continue
        sport, dport, seq = struct.unpack(">HHI", seg[:8])
        doff = (seg[12] >> 4) * 4
        flags = seg[13]
        yield (src, sport, dst, dport), seq, flags, seg[doff:]


def reassemble(path, broker_ports):
    """Returns {conn_index: (request_bytes, response_bytes)} in connection order."""
    streams = {}   # (src,sport,dst,dport) -> {"isn":..., "segs":{}}
    order = []
    for key, seq, flags, payload in read_pcap(path):
        st = streams.get(key)
        if st is None:
            st = streams[key] = {"isn": None, "segs": {}}
        if flags & 0x02:  # SYN
            st["isn"] = seq
            conn = key if key[3] in broker_ports else (key[2], key[3], key[0], key[1])
            if conn not in order:
                order.append(conn)
        if payload:
            st["segs"].setdefault(seq, payload)

    def stream_bytes(key):
        st = streams.get(key)
        if not st or st["isn"] is None:
            return b""
        base = (st["isn"] + 1) & 0xFFFFFFFF
        out = bytearray()
        for seq, p in sorted(st["segs"].items(), key=lambda kv: (kv[0] - base) & 0xFFFFFFFF):
            rel = (seq - base) & 0xFFFFFFFF
            if rel > len(out):
                raise RuntimeError("gap in TCP stream %r" % (key,))
            out += p[len(out) - rel:]
        return bytes(out)

    result = []
    for conn in order:
        rev = (conn[2], conn[3], conn[0], conn[1])
        result.append((stream_bytes(conn), stream_bytes(rev)))
    return result


def split_frames(stream):
    frames, off = [], 0
    while off + 4 <= len(stream):
        size = struct.unpack(">i", stream[off:off + 4])[0]
        if off + 4 + size > len(stream):
            break
        frames.append(stream[off:off + 4 + size])
        off += 4 + size
    return frames


def parse_exchanges(conns):
    """Yields (conn_no, request_frame, header, response_frame_or_None) in request order."""
    out = []
    for no, (up, down) in enumerate(conns, 1):
        responses = {}
        for f in split_frames(down):
            responses.setdefault(struct.unpack(">i", f[4:8])[0], f)
        for f in split_frames(up):
            key, ver, corr, clen = struct.unpack(">hhih", f[4:14])
            client = None if clen < 0 else f[14:14 + clen].decode("utf-8", "replace")
            out.append((no, f, (key, ver, corr, client), responses.get(corr)))
    return out


# ---------------------------------------------------------------------------------------------
# Peers (each runs as its own process so its connections are the only ones on the mock ports)

PY = "/usr/bin/python3"


def run(cmd, stdin=None, timeout=60):
    r = subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (cmd[0], r.returncode, r.stderr.decode(errors="replace")[-800:]))
    return r.stdout


def kcat_produce(boot, codec):
    lines = b"key-1:value-1\nkey-2:value-2\nkey-3:value-3\n"
    run(["kcat", "-P", "-b", boot, "-t", TOPIC, "-p", "0", "-K", ":", "-z", codec,
         "-H", "trace-id=abc123", "-H", "source=kcat",
         "-X", "client.id=kcat-producer", "-X", "linger.ms=200", "-X", "enable.idempotence=false"], stdin=lines)


def kcat_consume(boot):
    run(["kcat", "-C", "-b", boot, "-t", TOPIC, "-p", "0", "-o", "beginning", "-e",
         "-X", "client.id=kcat-consumer", "-f", "%k=%s\n"])


def kcat_group(boot):
    run(["kcat", "-b", boot, "-G", "kcat-group", TOPIC, "-e", "-X", "client.id=kcat-group",
         "-X", "auto.offset.reset=earliest", "-X", "enable.auto.commit=true",
         "-X", "auto.commit.interval.ms=100", "-f", "%k=%s\n"], timeout=90)


def kcat_metadata(boot):
    run(["kcat", "-L", "-b", boot, "-X", "client.id=kcat-metadata"])


PY_SNIPPETS = {
    "kafka-python-producer": """
import sys
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=sys.argv[1], client_id='kafka-python-producer', acks=1, linger_ms=200,
                  compression_type=None if sys.argv[2] == 'none' else sys.argv[2], api_version=tuple(map(int, sys.argv[3].split('.'))))
for i in range(3):
    p.send('golden', key=b'key-%d' % i, value=b'value-%d' % i, partition=0, headers=[('trace-id', b'py%d' % i)])
p.flush(); p.close()
""",
    "kafka-python-consumer": """
import sys
from kafka import KafkaConsumer
c = KafkaConsumer('golden', bootstrap_servers=sys.argv[1], client_id='kafka-python-consumer', group_id='kafka-python-group',
                  auto_offset_reset='earliest', enable_auto_commit=False, consumer_timeout_ms=4000, api_version=tuple(map(int, sys.argv[2].split('.'))))
n = sum(1 for _ in c)
c.commit(); c.close()
print(n)
""",
    "kafka-python-admin": """
import sys
from kafka.admin import KafkaAdminClient, NewTopic
a = KafkaAdminClient(bootstrap_servers=sys.argv[1], client_id='kafka-python-admin', api_version=tuple(map(int, sys.argv[2].split('.'))))
print(a.list_topics())
try:
    a.create_topics([NewTopic('created-by-admin', 3, 1)], timeout_ms=3000)
    print('created')
except Exception as e:
    print('create_topics failed:', type(e).__name__, e)
a.close()
""",
    "confluent-kafka-producer": """
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'client.id': 'confluent-kafka-python', 'compression.type': sys.argv[2],
              'linger.ms': 200, 'enable.idempotence': False})
for i in range(3):
    p.produce('golden', key=b'key-%d' % i, value=(b'value-%d ' % i) * 20, partition=0, headers=[('trace-id', b'ck%d' % i)])
assert p.flush(10) == 0
""",
}


def py(name, *args):
    return run([PY, "-c", PY_SNIPPETS[name]] + list(args), timeout=90)


# ---------------------------------------------------------------------------------------------
# Scenarios: (name, tool, tag, function(boot), which apis to keep)

KAFKA_PY_API = "2.5.0"


GROUP_APIS = {1, 2, 8, 9, 10, 11, 12, 13, 14}


def scenarios():
    """(name, tool, codec, role, run(bootstrap), api keys to keep or None, client id to keep or None)."""
    s = [("kcat-metadata", "kcat", "", "", kcat_metadata, None, None)]
    for codec in CODECS:
        s.append(("kcat-produce-" + codec, "kcat", codec, "", lambda b, c=codec: kcat_produce(b, c), {0}, None))
    s.append(("kcat-consume", "kcat", "", "consumer", lambda b: (kcat_produce(b, "none"), kcat_consume(b)),
              {1, 2}, "kcat-consumer"))
    s.append(("kcat-group", "kcat", "", "group", lambda b: (kcat_produce(b, "none"), kcat_group(b)),
              GROUP_APIS, "kcat-group"))
    for codec in CODECS:
        s.append(("confluent-produce-" + codec, "confluent-kafka-python", codec, "",
                  lambda b, c=codec: py("confluent-kafka-producer", b, c), {0}, None))
    for codec in CODECS:
        s.append(("kafka-python-produce-" + codec, "kafka-python", codec, "",
                  lambda b, c=codec: py("kafka-python-producer", b, c, KAFKA_PY_API),
                  None if codec == "none" else {0}, None))
    s.append(("kafka-python-consume", "kafka-python", "", "group",
              lambda b: (py("kafka-python-producer", b, "none", KAFKA_PY_API), py("kafka-python-consumer", b, KAFKA_PY_API)),
              GROUP_APIS, "kafka-python-consumer"))
    s.append(("kafka-python-admin", "kafka-python", "", "admin", lambda b: py("kafka-python-admin", b, KAFKA_PY_API),
              None, None))
    return s


def note_for(key, ver, direction, frame):
    notes = []
    if key == 18 and direction == "response" and len(frame) >= 10:
        err = struct.unpack(">h", frame[8:10])[0]  # ApiVersions response body starts with error_code
        if err == 35:
            notes.append("UNSUPPORTED_VERSION from the librdkafka mock: client falls back to v0")
    if key == 0 and direction == "request":
        notes.append("contains a RecordBatch")
    if key == 1 and direction == "response":
        notes.append("records when the partition had data")
    return "; ".join(notes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--keep-pcap")
    args = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("tcpdump"):
        sys.exit("capture: needs root and tcpdump (apt-get install tcpdump)")
    specs = load_specs()
    os.makedirs(args.out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="golden-")
    rows, skipped, seen_names = [], [], set()
    for name, tool, codec, role, fn, keep_apis, keep_client in scenarios():
        if args.only and name not in args.only:
            continue
        cluster = MockCluster(1)
        cluster.create_topic(TOPIC, 1, 1)
        pcap = os.path.join(tmp, name + ".pcap")
        sniffer = Sniffer(cluster.ports, pcap)
        try:
            fn(cluster.bootstraps)
        except Exception as e:  # record and continue with what was captured
            skipped.append("%s: %s" % (name, str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__))
        finally:
            sniffer.stop()
            cluster.close()
        if args.keep_pcap:
            os.makedirs(args.keep_pcap, exist_ok=True)
            shutil.copy(pcap, args.keep_pcap)
        exchanges = parse_exchanges(reassemble(pcap, set(cluster.ports)))
        picked = {}
        for conn, req, (key, ver, corr, client), resp in exchanges:
            if keep_apis is not None and key not in keep_apis:
                continue
            if keep_client is not None and client != keep_client:
                continue
            k = (key, ver)
            if key in (0, 1, 3):  # Produce/Fetch/Metadata: keep the largest exchange (records, topics)
                size = len(req) + len(resp or b"")
                if k not in picked or size > len(picked[k][1]) + len(picked[k][4] or b""):
                    picked[k] = (conn, req, corr, client, resp)
            elif k not in picked:
                picked[k] = (conn, req, corr, client, resp)
        for (key, ver), (conn, req, corr, client, resp) in sorted(picked.items()):
            api, reqh, resph = header_versions(specs, key, ver)
            tag = codec if key == 0 else role
            base = "%s-v%d-%%s-%s%s" % (api, ver, tool, ("-" + tag) if tag else "")
            for direction, frame in (("request", req), ("response", resp)):
                if frame is None:
                    skipped.append("%s: no %s v%d response captured" % (name, api, ver))
                    continue
                fname = base % direction + ".bin"
                if fname in seen_names:
                    continue
                seen_names.add(fname)
                with open(os.path.join(args.out, fname), "wb") as f:
                    f.write(frame)
                rows.append([fname, direction, key, ver, corr, reqh, resph, tool, client or "", name, len(frame),
                             note_for(key, ver, direction, frame)])
        print("capture: %-28s %2d exchanges, kept %d apis" % (name, len(exchanges), len(picked)), file=sys.stderr)
    write_manifest(args.out, rows, skipped)
    shutil.rmtree(tmp, ignore_errors=True)


def versions():
    out = {}
    out["kcat"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "kcat"], capture_output=True, text=True).stdout
    out["librdkafka"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "librdkafka1"], capture_output=True, text=True).stdout
    out["python3-kafka"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-kafka"], capture_output=True, text=True).stdout
    out["python3-confluent-kafka"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "python3-confluent-kafka"], capture_output=True, text=True).stdout
    out["tcpdump"] = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "tcpdump"], capture_output=True, text=True).stdout
    return out


def write_manifest(out, rows, skipped):
    tsv = os.path.join(out, "manifest.tsv")
    existing = {}
    if os.path.exists(tsv):  # keep rows of files not recaptured this run (--only)
        for line in open(tsv, encoding="utf-8").read().splitlines()[1:]:
            existing[line.split("\t")[0]] = line
    for r in rows:
        existing[r[0]] = "\t".join(str(x) for x in r)
    header = "file\tdirection\tapiKey\tapiVersion\tcorrelationId\trequestHeaderVersion\tresponseHeaderVersion\tsource\tclientId\tscenario\tbytes\tnotes"
    with open(tsv, "w", encoding="utf-8") as f:
        f.write(header + "\n")
        for k in sorted(existing):
            f.write(existing[k] + "\n")
    with open(os.path.join(out, "capture-log.txt"), "w", encoding="utf-8") as f:
        f.write("captured %s UTC\n" % datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M"))
        for k, v in versions().items():
            f.write("%s %s\n" % (k, v))
        for s in skipped:
            f.write("note: %s\n" % s)


if __name__ == "__main__":
    main()
