"""confluent-kafka-python's (legacy) confluent_kafka.avro API against Broker.Mini and its schema registry.

produce BOOTSTRAP REGISTRY TOPIC N   - AvroProducer writes N records (string key, Reading value)
consume BOOTSTRAP REGISTRY TOPIC N   - AvroConsumer reads N records from the beginning, prints them as JSON
"""
import json
import sys
import time

from confluent_kafka import TopicPartition, OFFSET_BEGINNING
from confluent_kafka import avro
from confluent_kafka.avro import AvroConsumer, AvroProducer, CachedSchemaRegistryClient

SCHEMA = {
    "type": "record", "name": "Reading", "namespace": "samsa.interop",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "score", "type": ["null", "double"], "default": None},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B", "C"]}},
    ],
}


def main():
    mode, bootstrap, registry, topic, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    if mode == "produce":
        producer = AvroProducer({"bootstrap.servers": bootstrap, "schema.registry.url": registry},
                                default_key_schema=avro.loads('"string"'), default_value_schema=avro.loads(json.dumps(SCHEMA)))
        for i in range(count):
            producer.produce(topic=topic, partition=0, key="py-%d" % i, value={
                "id": i, "name": "python %d" % i, "score": None if i % 2 else i * 1.5,
                "tags": ["t%d" % j for j in range(i % 3)], "kind": "ABC"[i % 3]})
        if producer.flush(30) != 0:
            raise SystemExit("flush timed out")
        # The schema registered through CachedSchemaRegistryClient is readable back by id.
        client = CachedSchemaRegistryClient({"url": registry})
        schema_id, _, version = client.get_latest_schema(topic + "-value")
        print(json.dumps({"id": schema_id, "version": version}))
    else:
        consumer = AvroConsumer({"bootstrap.servers": bootstrap, "schema.registry.url": registry, "group.id": "py-" + topic,
                                 "enable.auto.commit": False})
        consumer.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        out, deadline = [], time.time() + 30
        while len(out) < count and time.time() < deadline:
            msg = consumer.poll(1.0)
            if msg is None:
                continue
            if msg.error():
                raise SystemExit(str(msg.error()))
            out.append({"key": msg.key(), "value": msg.value()})
        consumer.close()
        print(json.dumps(out))


if __name__ == "__main__":
    main()
