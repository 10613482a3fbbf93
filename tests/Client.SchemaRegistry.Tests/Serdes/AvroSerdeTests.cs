using System.Net;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Serdes;
using Samsa.SchemaRegistry.Tests.Client;

namespace Samsa.SchemaRegistry.Tests.Serdes;

public class AvroSerdeTests
{
    private static readonly RecordSchema V1 = (RecordSchema)AvroSchema.Parse("""{"type":"record","name":"User","namespace":"ex","fields":[{"name":"id","type":"int"},{"name":"name","type":"string"}]}""");

    private static (SchemaRegistryClient, StubHandler) Registry()
    {
        var stub = new StubHandler((req, _) => Task.FromResult(req.RequestUri!.AbsolutePath switch
        {
            var p when p.StartsWith("/subjects/", StringComparison.Ordinal) && p.EndsWith("/versions", StringComparison.Ordinal) => StubHandler.Json(HttpStatusCode.OK, """{"id":42}"""),
            "/subjects/orders-value" => StubHandler.Json(HttpStatusCode.OK, """{"subject":"orders-value","id":43,"version":1,"schema":"\"int\""}"""),
            "/subjects/orders-value/versions/latest" => StubHandler.Json(HttpStatusCode.OK, $$"""{"subject":"orders-value","id":44,"version":2,"schema":{{System.Text.Json.JsonSerializer.Serialize(V1.ToString())}}}"""),
            "/schemas/ids/42" => StubHandler.Json(HttpStatusCode.OK, $$"""{"schema":{{System.Text.Json.JsonSerializer.Serialize(V1.ToString())}}}"""),
            _ => StubHandler.Error(HttpStatusCode.NotFound, 40403, "Schema not found"),
        }));
        return (new SchemaRegistryClient(new SchemaRegistryOptions { Urls = ["http://r"] }, stub), stub);
    }

    [Fact]
    public async Task Serialize_AutoRegister_WritesWireFormatAndRoundTrips()
    {
        var (client, stub) = Registry();
        var serializer = new AvroSerializer<GenericRecord>(client);
        var rec = new GenericRecord(V1) { ["id"] = 1, ["name"] = "a" };
        var bytes = await serializer.SerializeAsync(rec, "orders");
        Assert.Equal(new byte[] { 0, 0, 0, 0, 42, 2, 2, (byte)'a' }, bytes);
        await serializer.SerializeAsync(rec, "orders");
        Assert.Single(stub.Requests); // id cached
        Assert.EndsWith("/subjects/orders-value/versions", stub.Requests.Single().Url, StringComparison.Ordinal);

        var deserializer = new AvroDeserializer<GenericRecord>(client);
        var back = await deserializer.DeserializeAsync(bytes, "orders");
        Assert.Equal(rec, back);
    }

    [Theory]
    [InlineData(SubjectNameStrategy.TopicName, false, "orders-value")]
    [InlineData(SubjectNameStrategy.TopicName, true, "orders-key")]
    [InlineData(SubjectNameStrategy.RecordName, false, "ex.User")]
    [InlineData(SubjectNameStrategy.TopicRecordName, true, "orders-ex.User")]
    public void Subject_Strategies_NameSubjects(SubjectNameStrategy strategy, bool isKey, string expected)
        => Assert.Equal(expected, WireFormat.Subject(strategy, "orders", isKey, V1));

    [Fact]
    public async Task Serialize_NoAutoRegister_LooksUpAndUseLatest_UsesLatestId()
    {
        var (client, stub) = Registry();
        var lookup = new AvroSerializer<int>(client, options: new AvroSerializerOptions { AutoRegisterSchemas = false });
        Assert.Equal(new byte[] { 0, 0, 0, 0, 43, 6 }, await lookup.SerializeAsync(3, "orders"));
        var latest = new AvroSerializer<GenericRecord>(client, options: new AvroSerializerOptions { AutoRegisterSchemas = false, UseLatestVersion = true });
        var bytes = await latest.SerializeAsync(new GenericRecord(V1) { ["id"] = 2, ["name"] = "b" }, "orders");
        Assert.Equal(44, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1)));
        Assert.Throws<ArgumentException>(() => new AvroSerializer<int>(client, options: new AvroSerializerOptions { UseLatestVersion = true }));
    }

    [Fact]
    public async Task Deserialize_WithReaderSchema_ResolvesEvolution()
    {
        var (client, _) = Registry();
        var bytes = await new AvroSerializer<GenericRecord>(client).SerializeAsync(new GenericRecord(V1) { ["id"] = 5, ["name"] = "n" }, "orders");
        var v2 = AvroSchema.Parse("""{"type":"record","name":"User","namespace":"ex","fields":[{"name":"id","type":"long"},{"name":"email","type":["null","string"],"default":null}]}""");
        var rec = await new AvroDeserializer<GenericRecord>(client, new AvroDeserializerOptions { ReaderSchema = v2 }).DeserializeAsync(bytes, "orders");
        Assert.Equal(5L, rec["id"]);
        Assert.Null(rec["email"]);
    }

    [Fact]
    public async Task Deserialize_BadMagicOrUnknownId_Throws()
    {
        var (client, _) = Registry();
        var d = new AvroDeserializer<GenericRecord>(client);
        await Assert.ThrowsAsync<InvalidDataException>(async () => await d.DeserializeAsync(new byte[] { 1, 0, 0, 0, 42, 0 }, "t"));
        await Assert.ThrowsAsync<InvalidDataException>(async () => await d.DeserializeAsync(new byte[] { 0, 0 }, "t"));
        var ex = await Assert.ThrowsAsync<SchemaRegistryException>(async () => await d.DeserializeAsync(new byte[] { 0, 0, 0, 0, 9, 0 }, "t"));
        Assert.True(ex.IsSchemaNotFound);
    }
}
