using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Avro.Specific;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Serdes;
using Samsa.SchemaRegistry.Tests.Client;
using Samsa.Serialization;
using Samsa.Testing;

namespace Samsa.SchemaRegistry.Tests.Specific;

public sealed class SpecificInteropAndSerdeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("samsa-specific-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PeerFact("python3-avro")]
    public async Task GeneratedBytes_PythonAvroDecodesAndReencodesIdentically()
    {
        Peers.Require("python3-avro");
        var values = new[] { SpecificSamples.Full(), SpecificSamples.Minimal() };
        var encoded = values.Select(v => AvroSpecific.Serialize(v)).ToList();
        var schemaPath = Path.Combine(_dir, "everything.avsc");
        await File.WriteAllTextAsync(schemaPath, AvroSpecific.Schema<AllTypes>().ToString());
        var bin = Path.Combine(_dir, "everything.bin");
        await using (var f = File.Create(bin))
        {
            foreach (var e in encoded)
            {
                var len = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(len, e.Length);
                f.Write(len);
                f.Write(e);
            }
        }

        // python3-avro decodes each datum (logical types included) and re-encodes it; the bytes must survive unchanged.
        const string Script = """
            import io, json, struct, sys
            import avro.schema, avro.io
            schema = avro.schema.parse(open(sys.argv[1]).read())
            data = open(sys.argv[2], 'rb').read()
            out, i = [], 0
            while i < len(data):
                n = struct.unpack('>i', data[i:i + 4])[0]
                d = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[i + 4:i + 4 + n])))
                buf = io.BytesIO()
                avro.io.DatumWriter(schema).write(d, avro.io.BinaryEncoder(buf))
                out.append({'hex': buf.getvalue().hex(), 'text': d['Text'], 'suit': d['Suit'], 'price': str(d['Price']), 'day': str(d['Day']), 'id': str(d['Id'])})
                i += 4 + n
            print(json.dumps(out))
            """;
        var scriptPath = Path.Combine(_dir, "check.py");
        await File.WriteAllTextAsync(scriptPath, Script);
        var run = await ProcessRunner.RunAsync(Peers.Python3, [scriptPath, schemaPath, bin], timeout: TimeSpan.FromSeconds(60));
        run.EnsureSuccess();
        var result = JsonDocument.Parse(run.StandardOutput).RootElement.EnumerateArray().ToArray();
        Assert.Equal(encoded.Select(Convert.ToHexStringLower), result.Select(r => r.GetProperty("hex").GetString()));
        Assert.Equal("héllo ✓", result[0].GetProperty("text").GetString());
        Assert.Equal("Clubs", result[0].GetProperty("suit").GetString());
        Assert.Equal("-12345678.91", result[0].GetProperty("price").GetString());
        Assert.Equal("1901-07-04", result[0].GetProperty("day").GetString());
        Assert.Equal("0f8fad5b-d9cb-469f-a165-70867728950e", result[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Serdes_WireFormatRoundTrip_RegistersOnceAndMatchesGenericSerializer()
    {
        var schemaJson = JsonSerializer.Serialize(AvroSpecific.Schema<Trade>().ToString());
        var stub = new StubHandler((req, _) => Task.FromResult(req.RequestUri!.AbsolutePath switch
        {
            "/subjects/trades-value/versions" => StubHandler.Json(HttpStatusCode.OK, """{"id":7}"""),
            "/schemas/ids/7" => StubHandler.Json(HttpStatusCode.OK, $$"""{"schema":{{schemaJson}}}"""),
            _ => StubHandler.Error(HttpStatusCode.NotFound, 40403, "Schema not found"),
        }));
        var client = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = ["http://r"] }, stub);
        var serializer = new SpecificAvroSerializer<Trade>(client);
        var context = new SerializationContext("trades", MessageComponent.Value);
        var trade = new Trade("S", 3, 9.5m, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)) { Side = Suit.Hearts };
        var bytes = (await serializer.SerializeAsync(trade, context))!;
        Assert.Equal(new byte[] { 0, 0, 0, 0, 7 }, bytes[..5]);
        Assert.Equal(AvroSpecific.Serialize(trade), bytes[5..]);
        Assert.Equal(bytes, await serializer.SerializeAsync(trade, context));
        Assert.Single(stub.Requests); // id cached per subject
        Assert.Null(await serializer.SerializeAsync(null, context));

        var deserializer = new SpecificAvroDeserializer<Trade>(client);
        Assert.Equal(trade, await deserializer.DeserializeAsync(bytes, isNull: false, context));
        Assert.Null(await deserializer.DeserializeAsync(ReadOnlyMemory<byte>.Empty, isNull: true, context));

        // The generic serializer of the same schema agrees on the payload.
        var generic = new GenericRecord(AvroSpecific.Schema<Trade>()) { ["Symbol"] = "S", ["Quantity"] = 3L, ["Price"] = 9.5m, ["At"] = trade.At, ["Side"] = new GenericEnum((EnumSchema)((UnionSchema)AvroSpecific.Schema<Trade>().Fields[4].Schema).Branches[1], "Hearts") };
        Assert.Equal(bytes, await new AvroSerializer<GenericRecord>(client).SerializeAsync(generic, "trades"));
    }

    [Fact]
    public async Task Deserializer_OlderWriterSchemaById_ResolvesToGeneratedType()
    {
        var v1 = AvroSchema.Parse("""{"type":"record","name":"Trade","namespace":"samsa.test","fields":[{"name":"Symbol","type":"string"},{"name":"Quantity","type":"int"},{"name":"Price","type":{"type":"bytes","logicalType":"decimal","precision":18,"scale":4}},{"name":"At","type":{"type":"long","logicalType":"timestamp-micros"}}]}""");
        var stub = new StubHandler((req, _) => Task.FromResult(req.RequestUri!.AbsolutePath == "/schemas/ids/3"
            ? StubHandler.Json(HttpStatusCode.OK, $$"""{"schema":{{JsonSerializer.Serialize(v1.ToString())}}}""")
            : StubHandler.Error(HttpStatusCode.NotFound, 40403, "Schema not found")));
        var client = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = ["http://r"] }, stub);
        var at = new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        var payload = AvroSerializer<GenericRecord>.Encode(3, v1, new GenericRecord((RecordSchema)v1) { ["Symbol"] = "V1", ["Quantity"] = 2, ["Price"] = 0.25m, ["At"] = at });
        var trade = await new SpecificAvroDeserializer<Trade>(client).DeserializeAsync(payload, isNull: false, new SerializationContext("t", MessageComponent.Value));
        Assert.Equal(new Trade("V1", 2, 0.25m, at), trade);
    }
}
