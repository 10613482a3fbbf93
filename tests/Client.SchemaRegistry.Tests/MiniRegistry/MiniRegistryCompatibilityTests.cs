using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;
using static Samsa.SchemaRegistry.Tests.MiniRegistry.Schemas;

namespace Samsa.SchemaRegistry.Tests.MiniRegistry;

/// <summary>Registrations the mini registry must refuse (409) under each compatibility level, and NONE accepting anything.</summary>
public sealed class MiniRegistryCompatibilityTests
{
    private static readonly string A = Record("R", Field("a", "\"int\""));
    private static readonly string Empty = Record("R");
    private static readonly string AString = Record("R", Field("a", "\"string\"", "\"x\""));
    private static readonly string AB = Record("R", Field("a", "\"int\""), Field("b", "\"int\""));

    public static TheoryData<string, string[], string, bool> Cases() => new()
    {
        // level, history (registered under NONE), refused candidate, does the same candidate pass against the latest alone
        { "BACKWARD", [A], AB, false },                    // new field without a default: cannot read old data
        { "BACKWARD_TRANSITIVE", [A, Empty], AString, true }, // reads v2, but not v1's int a as a string
        { "FORWARD", [A], Empty, false },                   // old reader needs a, which new data lacks
        { "FORWARD_TRANSITIVE", [A, AString], Empty, true }, // v2 has a default for a, v1 does not
        { "FULL", [Empty], AB, false },                     // fields without defaults break backward reads
        { "FULL_TRANSITIVE", [A, AString], Empty, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Register_IncompatibleUnderLevel_Refused409(string level, string[] history, string candidate, bool latestAloneAccepts)
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        await c.SetCompatibilityAsync(CompatibilityLevel.None, "s");
        foreach (var schema in history) await c.RegisterSchemaAsync("s", S(schema));
        await c.SetCompatibilityAsync(SchemaCompatibility.ParseRegistryName(level), "s");

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(() => c.RegisterSchemaAsync("s", S(candidate)));
        Assert.Equal(409, refused.ErrorCode);
        Assert.Contains("incompatible", refused.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, history.Length), await c.GetVersionsAsync("s"));
        // POST /compatibility/.../versions/latest checks against the latest version only.
        Assert.Equal(latestAloneAccepts, (await c.TestCompatibilityAsync("s", S(candidate))).IsCompatible);
    }

    [Fact]
    public async Task Register_UnderNone_AcceptsAnything()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        await c.SetCompatibilityAsync(CompatibilityLevel.None);
        foreach (var schema in new[] { A, AB, Empty, Record("R", Field("a", "\"boolean\"")), "\"string\"" }) await c.RegisterSchemaAsync("s", S(schema));
        Assert.Equal([1, 2, 3, 4, 5], await c.GetVersionsAsync("s"));
    }

    [Fact]
    public async Task Register_CompatibleEvolution_AcceptedUnderEveryLevel()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var c = host.Client;
        var withDefault = Record("R", Field("a", "\"int\""), Field("b", "\"int\"", "0"));
        foreach (var level in Enum.GetValues<CompatibilityLevel>())
        {
            var subject = "ok-" + level;
            await c.SetCompatibilityAsync(level, subject);
            await c.RegisterSchemaAsync(subject, S(A));
            await c.RegisterSchemaAsync(subject, S(withDefault));
            Assert.Equal([1, 2], await c.GetVersionsAsync(subject));
        }
    }
}
