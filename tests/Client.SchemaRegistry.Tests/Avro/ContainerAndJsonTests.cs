using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Tests.Avro;

public class ContainerAndJsonTests
{
    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    [InlineData("hook")]
    public async Task Container_WriteThenRead_RoundTripsManyBlocks(string codecName)
    {
        var codec = codecName switch
        {
            "null" => AvroCodec.Null,
            "deflate" => AvroCodec.Deflate,
            "snappy" => AvroCodec.Snappy,
            "zstandard" => AvroCodec.Zstandard,
            _ => AvroCodec.Create("reverse", m => m.ToArray().Reverse().ToArray(), m => m.ToArray().Reverse().ToArray()),
        };
        var schema = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        var rnd = new Random(9);
        var datums = Enumerable.Range(0, 500).Select(_ => SampleData.Generate(schema, rnd, 0)).ToList();
        var ms = new MemoryStream();
        await using (var w = new AvroContainerWriter(ms, schema, codec, new Dictionary<string, byte[]> { ["user.key"] = [1, 2] }, blockSizeBytes: 1000, leaveOpen: true))
        {
            foreach (var d in datums)
            {
                await w.AppendAsync(d);
            }
        }

        Assert.Equal("Obj\u0001"u8.ToArray(), ms.ToArray()[..4]);
        ms.Position = 0;
        await using var reader = await AvroContainerReader.OpenAsync(ms, codecs: [codec]);
        Assert.Equal(new byte[] { 1, 2 }, reader.Metadata["user.key"]);
        var read = new List<object?>();
        await foreach (var d in reader.ReadAllAsync())
        {
            read.Add(d);
        }

        Assert.Equal(datums.Count, read.Count);
        Assert.All(Enumerable.Range(0, datums.Count), i => Assert.True(GenericData.DatumEquals(datums[i], read[i])));
    }

    [Theory]
    [InlineData("snappy")]
    [InlineData("zstandard")]
    public void CompressedCodecs_CorruptOrTruncatedBlock_ThrowAvroException(string name)
    {
        var codec = AvroCodec.BuiltIn(name)!;
        var block = System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"id\":42,\"name\":\"avro\"},", 200)));
        var compressed = codec.Compress(block);
        Assert.Equal(block, codec.Decompress(compressed));
        var rnd = new Random(5);
        for (int i = 0; i < 2_000; i++)
        {
            var damaged = compressed.ToArray();
            damaged[rnd.Next(damaged.Length)] ^= (byte)(1 << rnd.Next(8));
            try
            {
                // A flip may land where the format can't see it (zstandard without a checksum); then the output differs or is equal.
                codec.Decompress(damaged);
            }
            catch (AvroException)
            {
            }
        }

        for (int cut = 0; cut < compressed.Length; cut += Math.Max(1, compressed.Length / 50))
            Assert.Throws<AvroException>(() => codec.Decompress(compressed.AsMemory(0, cut)));
    }

    [Fact]
    public void Snappy_ChecksumMismatch_IsDetected()
    {
        var compressed = AvroCodec.Snappy.Compress(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        compressed[^1] ^= 1;
        var e = Assert.Throws<AvroException>(() => AvroCodec.Snappy.Decompress(compressed));
        Assert.Contains("CRC-32", e.Message);
    }

    [Fact]
    public async Task Container_CorruptSyncMarker_Throws()
    {
        var ms = new MemoryStream();
        await using (var w = new AvroContainerWriter(ms, AvroSchema.Int, leaveOpen: true))
        {
            await w.AppendAsync(1);
        }

        var bytes = ms.ToArray();
        bytes[^1] ^= 0xFF;
        await using var reader = await AvroContainerReader.OpenAsync(new MemoryStream(bytes));
        await Assert.ThrowsAsync<AvroException>(async () =>
        {
            await foreach (var _ in reader.ReadAllAsync())
            {
            }
        });
    }

    [Fact]
    public void Json_UnionsBytesAndNamedTypes_FollowSpecification()
    {
        var s = (RecordSchema)AvroSchema.Parse("""
            {"type":"record","name":"R","namespace":"n","fields":[
              {"name":"u","type":["null","string",{"type":"enum","name":"E","symbols":["A"]}]},
              {"name":"v","type":["null","string"]},
              {"name":"b","type":"bytes"},
              {"name":"f","type":{"type":"fixed","name":"F","size":2}}]}
            """);
        var rec = new GenericRecord(s) { ["u"] = new GenericEnum((EnumSchema)((UnionSchema)s.Fields[0].Schema).Branches[2], "A"), ["v"] = null, ["b"] = new byte[] { 0, 0xFF }, ["f"] = new byte[] { 0x41, 0xE9 } };
        var json = AvroJson.Serialize(s, rec);
        Assert.Equal("""{"u":{"n.E":"A"},"v":null,"b":"\u0000\u00FF","f":"A\u00E9"}""", json);
        var back = (GenericRecord)AvroJson.Deserialize(s, json)!;
        Assert.Equal("A", ((GenericEnum)back["u"]!).Symbol);
        Assert.Equal(new byte[] { 0, 0xFF }, back["b"]);
        Assert.Equal(new byte[] { 0x41, 0xE9 }, ((GenericFixed)back["f"]!).Value);
    }

    [Fact]
    public void Json_InteropDatums_RoundTrip()
    {
        var s = (RecordSchema)AvroSchema.Parse(SchemaParserTests.Reference("interop.avsc"));
        for (var seed = 0; seed < 20; seed++)
        {
            var rec = SampleData.Interop(s, seed);
            Assert.Equal(rec, AvroJson.Deserialize(s, AvroJson.Serialize(s, rec)));
        }
    }
}
