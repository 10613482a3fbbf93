using System.Net;
using Samsa.SchemaRegistry.Avro;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;
using Samsa.SchemaRegistry.Serdes;
using static Samsa.SchemaRegistry.Tests.MiniRegistry.Schemas;

namespace Samsa.SchemaRegistry.Tests.MiniRegistry;

/// <summary>The mini registry's endpoints through our own <see cref="SchemaRegistryClient"/>.</summary>
public sealed class MiniRegistryClientTests
{
    private static async Task<SchemaRegistryException> Fails(Func<Task> call) => await Assert.ThrowsAsync<SchemaRegistryException>(call);

    [Fact]
    public async Task Register_SameSchemaInTwoSubjects_SameIdAndOneVersionEach()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        int a = await c.RegisterSchemaAsync("a-value", S(UserV1));
        int b = await c.RegisterSchemaAsync("b-value", S(UserV1));
        int again = await new SchemaRegistryClient(new SchemaRegistryOptions { Urls = [host.Url] }).RegisterSchemaAsync("a-value", S(UserV1));
        int v2 = await c.RegisterSchemaAsync("a-value", S(UserV2));

        Assert.Equal(a, b);
        Assert.Equal(a, again);
        Assert.NotEqual(a, v2);
        Assert.Equal([1, 2], await c.GetVersionsAsync("a-value"));
        Assert.Equal([1], await c.GetVersionsAsync("b-value"));
        Assert.Equal(["a-value", "b-value"], await c.GetSubjectsAsync());
        Assert.Equal([new SubjectVersion("a-value", 1), new SubjectVersion("b-value", 1)], await c.GetSubjectVersionsByIdAsync(a));
    }

    [Fact]
    public async Task LookupAndGet_ReturnTheRegisteredSchema()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        int id = await c.RegisterSchemaAsync("t-value", S(UserV1));
        await c.RegisterSchemaAsync("t-value", S(UserV2));

        var found = await c.LookupSchemaAsync("t-value", S(UserV1));
        var latest = await c.GetLatestSchemaAsync("t-value");
        var byId = await c.GetSchemaByIdAsync(id);

        Assert.Equal(("t-value", 1, id), (found.Subject, found.Version, found.Id));
        Assert.Equal(2, latest.Version);
        Assert.Equal(AvroSchema.Parse(UserV1).ToCanonicalForm(), AvroSchema.Parse(byId.Schema).ToCanonicalForm());
        Assert.Equal(id, (await c.GetSchemaAsync("t-value", 1)).Id);
    }

    [Fact]
    public async Task Errors_CarryConfluentCodes()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        await c.RegisterSchemaAsync("t-value", S(UserV1));

        Assert.Equal(40401, (await Fails(() => c.GetVersionsAsync("nope"))).ErrorCode);
        Assert.Equal(40401, (await Fails(() => c.GetLatestSchemaAsync("nope"))).ErrorCode);
        Assert.Equal(40402, (await Fails(() => c.GetSchemaAsync("t-value", 9))).ErrorCode);
        Assert.Equal(42202, (await Fails(() => c.GetSchemaAsync("t-value", 0))).ErrorCode);
        Assert.Equal(40403, (await Fails(() => c.GetSchemaByIdAsync(999))).ErrorCode);
        Assert.Equal(40403, (await Fails(() => c.LookupSchemaAsync("t-value", S(UserV2)))).ErrorCode);
        var invalid = await Fails(() => c.RegisterSchemaAsync("t-value", S("""{"type":"record","name":"X","fields":[{"name":"a","type":"nosuch"}]}""")));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, 42201), (invalid.StatusCode, invalid.ErrorCode));
        Assert.Equal(42201, (await Fails(() => c.RegisterSchemaAsync("j-value", new SchemaString("{}", "JSON")))).ErrorCode);
        var incompatible = await Fails(() => c.RegisterSchemaAsync("t-value", S(Record("User", Field("id", "\"string\"")))));
        Assert.True(incompatible.IsIncompatible);
        Assert.Equal(409, incompatible.ErrorCode);
    }

    [Fact]
    public async Task DeleteSubject_SoftThenHard_FollowsConfluentRules()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        int id = await c.RegisterSchemaAsync("t-value", S(UserV1));
        await c.RegisterSchemaAsync("t-value", S(UserV2));
        await c.SetCompatibilityAsync(CompatibilityLevel.Full, "t-value");

        Assert.Equal(40405, (await Fails(() => c.DeleteSubjectAsync("t-value", permanent: true))).ErrorCode);
        Assert.Equal([1, 2], await c.DeleteSubjectAsync("t-value"));
        Assert.Equal(40404, (await Fails(() => c.DeleteSubjectAsync("t-value"))).ErrorCode);
        Assert.Empty(await c.GetSubjectsAsync());
        Assert.Equal(40401, (await Fails(() => c.GetVersionsAsync("t-value"))).ErrorCode);
        Assert.Equal(CompatibilityLevel.Backward, await c.GetCompatibilityAsync("t-value")); // subject config went with it
        using (var uncached = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = [host.Url] }))
        {
            Assert.Contains("User", (await uncached.GetSchemaByIdAsync(id)).Schema, StringComparison.Ordinal); // ids outlive soft deletes
        }

        Assert.Equal([1, 2], await c.DeleteSubjectAsync("t-value", permanent: true));
        Assert.Equal(40401, (await Fails(() => c.DeleteSubjectAsync("t-value"))).ErrorCode);
        var fresh = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = [host.Url] });
        Assert.Equal(40403, (await Fails(() => fresh.GetSchemaByIdAsync(id))).ErrorCode);
        // Registering again after a hard delete starts the subject over at version 1.
        await fresh.RegisterSchemaAsync("t-value", S(UserV1));
        Assert.Equal([1], await fresh.GetVersionsAsync("t-value"));
    }

    [Fact]
    public async Task DeleteVersion_SoftThenHard_FollowsConfluentRules()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        await c.RegisterSchemaAsync("t-value", S(UserV1));
        await c.RegisterSchemaAsync("t-value", S(UserV2));

        Assert.Equal(40407, (await Fails(() => c.DeleteSchemaVersionAsync("t-value", 2, permanent: true))).ErrorCode);
        Assert.Equal(2, await c.DeleteSchemaVersionAsync("t-value", 2));
        Assert.Equal(40406, (await Fails(() => c.DeleteSchemaVersionAsync("t-value", 2))).ErrorCode);
        Assert.Equal([1], await c.GetVersionsAsync("t-value"));
        Assert.Equal(1, (await c.GetLatestSchemaAsync("t-value")).Version);
        Assert.Equal(2, await c.DeleteSchemaVersionAsync("t-value", 2, permanent: true));
        Assert.Equal(40402, (await Fails(() => c.DeleteSchemaVersionAsync("t-value", 2, permanent: true))).ErrorCode);
        Assert.Equal(40402, (await Fails(() => c.DeleteSchemaVersionAsync("t-value", 7))).ErrorCode);
        Assert.Equal(40401, (await Fails(() => c.DeleteSchemaVersionAsync("other", 1))).ErrorCode);
        // The next version after a soft delete does not reuse the soft-deleted number.
        await c.DeleteSchemaVersionAsync("t-value", 1);
        await c.RegisterSchemaAsync("t-value", S(Record("User", Field("other", "\"long\""))));
        Assert.Equal([2], await c.GetVersionsAsync("t-value"));
    }

    [Fact]
    public async Task ConfigAndMode_GlobalAndSubject()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        Assert.Equal(CompatibilityLevel.Backward, await c.GetCompatibilityAsync());
        Assert.Equal(CompatibilityLevel.Full, await c.SetCompatibilityAsync(CompatibilityLevel.Full));
        Assert.Equal(CompatibilityLevel.Full, await c.GetCompatibilityAsync("t-value"));
        Assert.Equal(CompatibilityLevel.None, await c.SetCompatibilityAsync(CompatibilityLevel.None, "t-value"));
        Assert.Equal(CompatibilityLevel.None, await c.GetCompatibilityAsync("t-value"));
        Assert.Equal(CompatibilityLevel.Full, await c.GetCompatibilityAsync());

        await c.RegisterSchemaAsync("t-value", S(UserV1));
        await c.RegisterSchemaAsync("t-value", S(Record("User", Field("id", "\"string\"")))); // NONE lets it through

        Assert.Equal(RegistryMode.ReadWrite, await c.GetModeAsync());
        Assert.Equal(40409, (await Fails(() => c.GetModeAsync("t-value"))).ErrorCode);
        Assert.Equal(RegistryMode.ReadOnly, await c.SetModeAsync(RegistryMode.ReadOnly, "t-value"));
        var readOnly = await Fails(() => c.RegisterSchemaAsync("t-value", S(UserV2)));
        Assert.Equal(42205, readOnly.ErrorCode);
        Assert.Equal(42205, (await Fails(() => c.DeleteSubjectAsync("t-value"))).ErrorCode);
        Assert.Equal(42205, (await Fails(() => c.SetModeAsync(RegistryMode.Import))).ErrorCode); // subjects exist
        await c.RegisterSchemaAsync("u-value", S(UserV2)); // other subjects stay writable
    }

    [Fact]
    public async Task TestCompatibility_VerboseMessagesNameTheProblem()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        await c.RegisterSchemaAsync("t-value", S(UserV1));

        var ok = await c.TestCompatibilityAsync("t-value", S(UserV2));
        var bad = await c.TestCompatibilityAsync("t-value", S(Record("User", Field("id", "\"int\""), Field("name", "\"string\""))), version: 1);
        var empty = await c.TestCompatibilityAsync("new-subject", S(UserV1));

        Assert.True(ok.IsCompatible);
        Assert.Empty(ok.Messages);
        Assert.False(bad.IsCompatible);
        Assert.Contains(bad.Messages, m => m.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", StringComparison.Ordinal));
        Assert.Contains(bad.Messages, m => m.Contains("oldSchemaVersion: 1", StringComparison.Ordinal));
        Assert.True(empty.IsCompatible);
        Assert.Equal(40402, (await Fails(() => c.TestCompatibilityAsync("t-value", S(UserV2), version: 5))).ErrorCode);
    }

    [Fact]
    public async Task References_ResolveAndProtectTheReferencedVersion()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        var address = Record("Address", Field("city", "\"string\""));
        int addressId = await c.RegisterSchemaAsync("address", S(address));
        var person = new SchemaString(Record("Person", Field("home", "\"samsa.test.Address\"")), References: [new SchemaReference("samsa.test.Address", "address", 1)]);
        int personId = await c.RegisterSchemaAsync("person-value", person);

        var fetched = await new SchemaRegistryClient(new SchemaRegistryOptions { Urls = [host.Url] }).GetSchemaByIdAsync(personId);
        Assert.Equal([new SchemaReference("samsa.test.Address", "address", 1)], fetched.References);
        Assert.Equal([personId], await c.GetReferencedByAsync("address", 1));
        Assert.Equal(42206, (await Fails(() => c.DeleteSubjectAsync("address"))).ErrorCode);
        Assert.Equal(42206, (await Fails(() => c.DeleteSchemaVersionAsync("address", 1))).ErrorCode);
        var dangling = new SchemaString(person.Schema, References: [new SchemaReference("samsa.test.Address", "address", 4)]);
        Assert.Equal(42201, (await Fails(() => c.RegisterSchemaAsync("other-value", dangling))).ErrorCode);

        // The deserializer resolves the reference through the registry.
        var personSchema = AvroSchema.Parse(person.Schema, [AvroSchema.Parse(address)]);
        var home = new GenericRecord((RecordSchema)AvroSchema.Parse(address)) { ["city"] = "Prague" };
        var datum = new GenericRecord((RecordSchema)personSchema) { ["home"] = home };
        var bytes = AvroSerializer<GenericRecord>.Encode(personId, personSchema, datum);
        var back = await new AvroDeserializer<GenericRecord>(c).DeserializeAsync(bytes, "person");
        Assert.Equal("Prague", ((GenericRecord)back["home"]!)["city"]);
        Assert.NotEqual(addressId, personId);
    }
}
