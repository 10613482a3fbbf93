using System.Net;
using System.Text.Json;
using Samsa.SchemaRegistry.Client;
using Samsa.SchemaRegistry.Compatibility;

namespace Samsa.SchemaRegistry.Tests.Client;

public class SchemaRegistryClientTests
{
    private const string Schema = """{"type":"string"}""";

    private static (SchemaRegistryClient Client, StubHandler Stub) Create(Func<HttpRequestMessage, string?, HttpResponseMessage> respond, Action<SchemaRegistryOptions>? configure = null)
    {
        var stub = new StubHandler((req, body) => Task.FromResult(respond(req, body)));
        var options = new SchemaRegistryOptions { Urls = ["http://a:8081"], RetryBackoff = TimeSpan.FromMilliseconds(1), MaxRetryBackoff = TimeSpan.FromMilliseconds(2) };
        configure?.Invoke(options);
        return (new SchemaRegistryClient(options, stub), stub);
    }

    public static TheoryData<string, string, string, string, string> Endpoints() => new()
    {
        // name, expected method, expected path+query, canned response, expected result (JSON of the returned value)
        { "register", "POST", "/subjects/t-value/versions?normalize=true", """{"id":7}""", "7" },
        { "lookup", "POST", "/subjects/t-value", """{"subject":"t-value","id":7,"version":2,"schema":"\"string\""}""", """{"Subject":"t-value","Version":2,"Id":7,"Schema":{"Schema":"\"string\"","SchemaType":null,"References":null,"EffectiveType":"AVRO"}}""" },
        { "byId", "GET", "/schemas/ids/7", """{"schema":"\"string\"","references":[{"name":"n.A","subject":"a","version":1}]}""", """{"Schema":"\"string\"","SchemaType":null,"References":[{"name":"n.A","subject":"a","version":1}],"EffectiveType":"AVRO"}""" },
        { "version", "GET", "/subjects/t-value/versions/3", """{"subject":"t-value","id":7,"version":3,"schema":"\"int\"","schemaType":"AVRO"}""", """{"Subject":"t-value","Version":3,"Id":7,"Schema":{"Schema":"\"int\"","SchemaType":null,"References":null,"EffectiveType":"AVRO"}}""" },
        { "latest", "GET", "/subjects/t-value/versions/latest", """{"subject":"t-value","id":8,"version":4,"schema":"\"int\""}""", """{"Subject":"t-value","Version":4,"Id":8,"Schema":{"Schema":"\"int\"","SchemaType":null,"References":null,"EffectiveType":"AVRO"}}""" },
        { "subjects", "GET", "/subjects", """["a","b"]""", """["a","b"]""" },
        { "versions", "GET", "/subjects/t-value/versions", "[1,2,3]", "[1,2,3]" },
        { "idVersions", "GET", "/schemas/ids/7/versions", """[{"subject":"a","version":1}]""", """[{"subject":"a","version":1}]""" },
        { "referencedBy", "GET", "/subjects/t-value/versions/2/referencedby", "[11,12]", "[11,12]" },
        { "compat", "POST", "/compatibility/subjects/t-value/versions/latest?verbose=true", """{"is_compatible":false,"messages":["bad"]}""", """{"IsCompatible":false,"Messages":["bad"]}""" },
        { "getConfig", "GET", "/config", """{"compatibilityLevel":"FULL_TRANSITIVE"}""", "6" },
        { "getSubjectConfig", "GET", "/config/t-value?defaultToGlobal=true", """{"compatibilityLevel":"FORWARD"}""", "3" },
        { "putConfig", "PUT", "/config/t-value", """{"compatibility":"BACKWARD"}""", "1" },
        { "getMode", "GET", "/mode", """{"mode":"READONLY"}""", "1" },
        { "putMode", "PUT", "/mode/t-value", """{"mode":"IMPORT"}""", "2" },
        { "deleteSoft", "DELETE", "/subjects/t-value", "[1,2]", "[1,2]" },
        { "deleteHard", "DELETE", "/subjects/t-value?permanent=true", "[1,2]", "[1,2]" },
        { "deleteVersion", "DELETE", "/subjects/t-value/versions/2?permanent=true", "2", "2" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_CallsRestPathAndParsesResponse(string name, string method, string pathAndQuery, string response, string expected)
    {
        var (client, stub) = Create((_, _) => StubHandler.Json(HttpStatusCode.OK, response));
        var s = new SchemaString(Schema);
        object result = name switch
        {
            "register" => await client.RegisterSchemaAsync("t-value", s, normalize: true),
            "lookup" => await client.LookupSchemaAsync("t-value", s),
            "byId" => await client.GetSchemaByIdAsync(7),
            "version" => await client.GetSchemaAsync("t-value", 3),
            "latest" => await client.GetLatestSchemaAsync("t-value"),
            "subjects" => await client.GetSubjectsAsync(),
            "versions" => await client.GetVersionsAsync("t-value"),
            "idVersions" => await client.GetSubjectVersionsByIdAsync(7),
            "referencedBy" => await client.GetReferencedByAsync("t-value", 2),
            "compat" => await client.TestCompatibilityAsync("t-value", s),
            "getConfig" => await client.GetCompatibilityAsync(),
            "getSubjectConfig" => await client.GetCompatibilityAsync("t-value"),
            "putConfig" => await client.SetCompatibilityAsync(CompatibilityLevel.Backward, "t-value"),
            "getMode" => await client.GetModeAsync(),
            "putMode" => await client.SetModeAsync(RegistryMode.Import, "t-value"),
            "deleteSoft" => await client.DeleteSubjectAsync("t-value"),
            "deleteHard" => await client.DeleteSubjectAsync("t-value", permanent: true),
            "deleteVersion" => await client.DeleteSchemaVersionAsync("t-value", 2, permanent: true),
            _ => throw new ArgumentException(name),
        };
        var request = Assert.Single(stub.Requests);
        Assert.Equal(method, request.Method.Method);
        Assert.Equal("http://a:8081" + pathAndQuery, request.Url);
        Assert.Equal(expected, result is Enum e ? Convert.ToInt32(e, System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture) : JsonSerializer.Serialize(result, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task Register_SendsSchemaAndReferencesBody()
    {
        var (client, stub) = Create((_, _) => StubHandler.Json(HttpStatusCode.OK, """{"id":1}"""));
        await client.RegisterSchemaAsync("s", new SchemaString(Schema, null, [new SchemaReference("n.A", "a", 2)]));
        var body = JsonDocument.Parse(Assert.Single(stub.Requests).Body!).RootElement;
        Assert.Equal(Schema, body.GetProperty("schema").GetString());
        Assert.False(body.TryGetProperty("schemaType", out _));
        Assert.Equal("a", body.GetProperty("references")[0].GetProperty("subject").GetString());
        Assert.Equal(2, body.GetProperty("references")[0].GetProperty("version").GetInt32());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, 40401)]
    [InlineData(HttpStatusCode.NotFound, 40402)]
    [InlineData(HttpStatusCode.NotFound, 40403)]
    [InlineData(HttpStatusCode.Conflict, 409)]
    [InlineData(HttpStatusCode.UnprocessableEntity, 42201)]
    [InlineData(HttpStatusCode.UnprocessableEntity, 42202)]
    [InlineData(HttpStatusCode.UnprocessableEntity, 42203)]
    [InlineData(HttpStatusCode.InternalServerError, 50001)]
    public async Task Errors_MapStatusAndErrorCode(HttpStatusCode status, int code)
    {
        var (client, stub) = Create((_, _) => StubHandler.Error(status, code, "boom"), o => o.MaxRetries = 1);
        var ex = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetSchemaByIdAsync(1));
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains("boom", ex.Message, StringComparison.Ordinal);
        Assert.Equal(code == 40401, ex.IsSubjectNotFound);
        Assert.Equal(code == 40403, ex.IsSchemaNotFound);
        Assert.Equal(code == 409, ex.IsIncompatible);
        Assert.Equal((int)status >= 500 ? 2 : 1, stub.Requests.Count); // only 5xx is retried
    }

    [Fact]
    public async Task Errors_NonJsonBody_UsesHttpStatusAsCode()
    {
        var (client, _) = Create((_, _) => new HttpResponseMessage(HttpStatusCode.Forbidden) { Content = new StringContent("<html>no</html>") });
        var ex = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetSubjectsAsync());
        Assert.Equal(403, ex.ErrorCode);
    }

    [Fact]
    public async Task Failover_ConnectionErrorOnFirstUrl_UsesSecond()
    {
        var (client, stub) = Create(
            (req, _) => req.RequestUri!.Host == "a" ? throw new HttpRequestException("refused") : StubHandler.Json(HttpStatusCode.OK, """["x"]"""),
            o => o.Urls = ["http://a:8081", "http://b:8081/"]);
        Assert.Equal(["x"], await client.GetSubjectsAsync());
        Assert.Equal(["a", "b"], stub.Requests.Select(r => new Uri(r.Url).Host));
        Assert.Equal("b", client.CurrentUrl.Host);
    }

    [Fact]
    public async Task Retries_5xxThenSuccess_Succeeds_AndGivesUpAfterMaxRetries()
    {
        var calls = 0;
        var (client, stub) = Create((_, _) => ++calls < 3 ? StubHandler.Error(HttpStatusCode.ServiceUnavailable, 50003, "leader") : StubHandler.Json(HttpStatusCode.OK, "[]"), o => o.MaxRetries = 2);
        Assert.Empty(await client.GetSubjectsAsync());
        Assert.Equal(3, stub.Requests.Count);

        var (failing, failingStub) = Create((_, _) => StubHandler.Error(HttpStatusCode.BadGateway, 502, "down"), o => o.MaxRetries = 2);
        var ex = await Assert.ThrowsAsync<SchemaRegistryException>(() => failing.GetSubjectsAsync());
        Assert.True(ex.IsRetriable);
        Assert.Equal(3, failingStub.Requests.Count);
    }

    [Fact]
    public async Task Timeout_SlowResponse_IsRetriedThenReported()
    {
        var stub = new StubHandler(async (_, _) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            return StubHandler.Json(HttpStatusCode.OK, "[]");
        });
        var client = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = ["http://a"], RequestTimeout = TimeSpan.FromMilliseconds(50), MaxRetries = 1, RetryBackoff = TimeSpan.Zero }, stub);
        var ex = await Assert.ThrowsAsync<SchemaRegistryException>(() => client.GetSubjectsAsync());
        Assert.Contains("timed out", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Cache_ConcurrentGetById_MakesOneRequest()
    {
        var gate = new TaskCompletionSource();
        var stub = new StubHandler(async (_, _) =>
        {
            await gate.Task;
            return StubHandler.Json(HttpStatusCode.OK, """{"schema":"\"int\""}""");
        });
        var client = new SchemaRegistryClient(new SchemaRegistryOptions { Urls = ["http://a"] }, stub);
        var tasks = Enumerable.Range(0, 20).Select(_ => client.GetSchemaByIdAsync(5)).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(tasks);
        Assert.All(results, r => Assert.Equal("\"int\"", r.Schema));
        await client.GetSchemaByIdAsync(5);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task Cache_RegisterThenGetById_NeedsNoFetch_AndFailuresAreNotCached()
    {
        var fail = true;
        var (client, stub) = Create((req, _) => req.Method == HttpMethod.Post
            ? (fail ? StubHandler.Error(HttpStatusCode.UnprocessableEntity, 42201, "invalid") : StubHandler.Json(HttpStatusCode.OK, """{"id":3}"""))
            : StubHandler.Json(HttpStatusCode.OK, """{"schema":"\"x\""}"""));
        await Assert.ThrowsAsync<SchemaRegistryException>(() => client.RegisterSchemaAsync("s", new SchemaString(Schema)));
        fail = false;
        Assert.Equal(3, await client.RegisterSchemaAsync("s", new SchemaString(Schema)));
        Assert.Equal(3, await client.RegisterSchemaAsync("s", new SchemaString(Schema)));
        Assert.Equal(Schema, (await client.GetSchemaByIdAsync(3)).Schema);
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task Auth_BasicAndBearer_SetAuthorizationHeader()
    {
        var (basic, basicStub) = Create((_, _) => StubHandler.Json(HttpStatusCode.OK, "[]"), o => { o.BasicAuthUsername = "u"; o.BasicAuthPassword = "p"; });
        await basic.GetSubjectsAsync();
        Assert.Equal("Basic dTpw", Assert.Single(basicStub.Requests).Auth);

        var (bearer, bearerStub) = Create((_, _) => StubHandler.Json(HttpStatusCode.OK, "[]"), o => o.BearerTokenProvider = _ => ValueTask.FromResult("tok"));
        await bearer.GetSubjectsAsync();
        Assert.Equal("Bearer tok", Assert.Single(bearerStub.Requests).Auth);
    }

    [Fact]
    public void Options_Invalid_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new SchemaRegistryOptions().Validate());
        Assert.Throws<ArgumentException>(() => new SchemaRegistryOptions { Urls = ["ftp://x"] }.Validate());
        Assert.Throws<ArgumentException>(() => new SchemaRegistryOptions { Urls = ["http://x"], BasicAuthUsername = "u", BearerToken = "t" }.Validate());
        new SchemaRegistryOptions { Urls = ["https://x"] }.Validate();
    }

    [Fact]
    public async Task Subject_IsUrlEscaped()
    {
        var (client, stub) = Create((_, _) => StubHandler.Json(HttpStatusCode.OK, "[]"));
        await client.GetVersionsAsync("a b/c");
        Assert.EndsWith("/subjects/a%20b%2Fc/versions", Assert.Single(stub.Requests).Url, StringComparison.Ordinal);
    }
}
