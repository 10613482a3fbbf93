using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Samsa.SchemaRegistry.Tests.MiniRegistry.Schemas;

namespace Samsa.SchemaRegistry.Tests.MiniRegistry;

/// <summary>The mini registry through raw HTTP and JSON, so a bug shared by our client and server cannot hide.</summary>
public sealed class MiniRegistryRestTests
{
    private static async Task<(HttpStatusCode Status, JsonNode? Body, string Text, string? ContentType)> Send(
        HttpClient http, HttpMethod method, string path, object? body = null, string contentType = "application/vnd.schemaregistry.v1+json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8);
            request.Content.Headers.ContentType = new(contentType);
        }
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        JsonNode? node = null;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // Raw schema endpoints and the like.
        }
        return (response.StatusCode, node, text, response.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertError((HttpStatusCode Status, JsonNode? Body, string Text, string? ContentType) r, HttpStatusCode status, int code)
    {
        Assert.Equal(status, r.Status);
        Assert.Equal(code, (int)r.Body!["error_code"]!);
        Assert.False(string.IsNullOrEmpty((string?)r.Body["message"]));
    }

    [Fact]
    public async Task RegisterAndRead_Json_MatchesConfluentShapes()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var http = host.Http;
        var registered = await Send(http, HttpMethod.Post, "subjects/orders-value/versions", new { schema = UserV1 }, "application/json");
        Assert.Equal(HttpStatusCode.OK, registered.Status);
        Assert.Equal("application/vnd.schemaregistry.v1+json", registered.ContentType);
        int id = (int)registered.Body!["id"]!;
        Assert.Equal(["id"], registered.Body.AsObject().Select(kv => kv.Key));

        var byId = await Send(http, HttpMethod.Get, $"schemas/ids/{id}");
        Assert.Equal(["schema"], byId.Body!.AsObject().Select(kv => kv.Key)); // AVRO is implied, no references
        Assert.Equal(JsonNode.Parse(UserV1)!.ToJsonString(), JsonNode.Parse((string)byId.Body["schema"]!)!.ToJsonString());

        var raw = await Send(http, HttpMethod.Get, $"schemas/ids/{id}/schema");
        Assert.Equal("record", (string)raw.Body!["type"]!);
        Assert.Equal("""["orders-value"]""", (await Send(http, HttpMethod.Get, $"schemas/ids/{id}/subjects")).Text);
        Assert.Equal("""[{"subject":"orders-value","version":1}]""", (await Send(http, HttpMethod.Get, $"schemas/ids/{id}/versions")).Text);
        Assert.Contains("AVRO", (await Send(http, HttpMethod.Get, "schemas/types")).Text, StringComparison.Ordinal);
        Assert.Equal("""["orders-value"]""", (await Send(http, HttpMethod.Get, "subjects")).Text);
        Assert.Equal("[1]", (await Send(http, HttpMethod.Get, "subjects/orders-value/versions")).Text);

        var version = await Send(http, HttpMethod.Get, "subjects/orders-value/versions/latest");
        Assert.Equal(("orders-value", 1, id), ((string)version.Body!["subject"]!, (int)version.Body["version"]!, (int)version.Body["id"]!));
        Assert.Equal("record", (string)(await Send(http, HttpMethod.Get, "subjects/orders-value/versions/1/schema")).Body!["type"]!);
        Assert.Equal("[]", (await Send(http, HttpMethod.Get, "subjects/orders-value/versions/1/referencedby")).Text);

        var lookup = await Send(http, HttpMethod.Post, "subjects/orders-value", new { schema = UserV1 });
        Assert.Equal(id, (int)lookup.Body!["id"]!);
        Assert.Equal(1, (int)lookup.Body["version"]!);
    }

    [Fact]
    public async Task Errors_HaveConfluentStatusesAndCodes()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var http = host.Http;
        await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV1 });

        AssertError(await Send(http, HttpMethod.Get, "subjects/nope/versions"), HttpStatusCode.NotFound, 40401);
        AssertError(await Send(http, HttpMethod.Get, "subjects/t/versions/3"), HttpStatusCode.NotFound, 40402);
        AssertError(await Send(http, HttpMethod.Get, "subjects/t/versions/abc"), HttpStatusCode.UnprocessableEntity, 42202);
        AssertError(await Send(http, HttpMethod.Get, "schemas/ids/77"), HttpStatusCode.NotFound, 40403);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t", new { schema = UserV2 }), HttpStatusCode.NotFound, 40403);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = "{\"type\":\"recrd\"}" }), HttpStatusCode.UnprocessableEntity, 42201);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = "{}", schemaType = "PROTOBUF" }), HttpStatusCode.UnprocessableEntity, 42201);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = Record("User", Field("id", "\"boolean\"")) }), HttpStatusCode.Conflict, 409);
        AssertError(await Send(http, HttpMethod.Put, "config", new { compatibility = "SIDEWAYS" }), HttpStatusCode.UnprocessableEntity, 42203);
        AssertError(await Send(http, HttpMethod.Put, "mode", new { mode = "SOMETIMES" }), HttpStatusCode.UnprocessableEntity, 42204);
        AssertError(await Send(http, HttpMethod.Get, "config/t"), HttpStatusCode.NotFound, 40408);
        AssertError(await Send(http, HttpMethod.Post, "compatibility/subjects/t/versions/0", new { schema = UserV1 }), HttpStatusCode.UnprocessableEntity, 42202);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", "{not json"), HttpStatusCode.BadRequest, 400);
        AssertError(await Send(http, HttpMethod.Get, "no/such/path"), HttpStatusCode.NotFound, 404);
        AssertError(await Send(http, HttpMethod.Put, "subjects"), HttpStatusCode.MethodNotAllowed, 405);

        AssertError(await Send(http, HttpMethod.Delete, "subjects/t?permanent=true"), HttpStatusCode.NotFound, 40405);
        Assert.Equal("[1]", (await Send(http, HttpMethod.Delete, "subjects/t")).Text);
        AssertError(await Send(http, HttpMethod.Delete, "subjects/t"), HttpStatusCode.NotFound, 40404);
        Assert.Equal("""["t"]""", (await Send(http, HttpMethod.Get, "subjects?deleted=true")).Text);
        Assert.Equal("[]", (await Send(http, HttpMethod.Get, "subjects")).Text);
        Assert.Equal(1, (int)(await Send(http, HttpMethod.Get, "subjects/t/versions/1?deleted=true")).Body!["version"]!);
        Assert.Equal("[1]", (await Send(http, HttpMethod.Delete, "subjects/t?permanent=true")).Text);
        AssertError(await Send(http, HttpMethod.Get, "subjects/t/versions?deleted=true"), HttpStatusCode.NotFound, 40401);
    }

    [Fact]
    public async Task ConfigModeAndCompatibility_Json()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var http = host.Http;
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await Send(http, HttpMethod.Get, "config")).Text);
        Assert.Equal("""{"compatibility":"FORWARD"}""", (await Send(http, HttpMethod.Put, "config", new { compatibility = "forward" })).Text);
        Assert.Equal("""{"compatibility":"NONE"}""", (await Send(http, HttpMethod.Put, "config/t", new { compatibility = "NONE" })).Text);
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await Send(http, HttpMethod.Get, "config/t")).Text);
        Assert.Equal("""{"compatibilityLevel":"NONE"}""", (await Send(http, HttpMethod.Delete, "config/t")).Text);
        Assert.Equal("""{"compatibilityLevel":"FORWARD"}""", (await Send(http, HttpMethod.Get, "config/t?defaultToGlobal=true")).Text);
        Assert.Equal("""{"compatibilityLevel":"FORWARD"}""", (await Send(http, HttpMethod.Delete, "config")).Text);
        Assert.Equal("""{"compatibilityLevel":"BACKWARD"}""", (await Send(http, HttpMethod.Get, "config")).Text);

        Assert.Equal("""{"mode":"READWRITE"}""", (await Send(http, HttpMethod.Get, "mode")).Text);
        Assert.Equal("""{"mode":"READONLY"}""", (await Send(http, HttpMethod.Put, "mode/t", new { mode = "READONLY" })).Text);
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV1 }), HttpStatusCode.UnprocessableEntity, 42205);
        Assert.Equal("""{"mode":"READONLY"}""", (await Send(http, HttpMethod.Delete, "mode/t")).Text);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV1 })).Status);

        var compatible = await Send(http, HttpMethod.Post, "compatibility/subjects/t/versions/latest", new { schema = UserV2 });
        Assert.Equal("""{"is_compatible":true}""", compatible.Text);
        var verbose = await Send(http, HttpMethod.Post, "compatibility/subjects/t/versions/1?verbose=true", new { schema = Record("User", Field("x", "\"int\"")) });
        Assert.False((bool)verbose.Body!["is_compatible"]!);
        Assert.Contains(verbose.Body["messages"]!.AsArray(), m => ((string)m!).Contains("READER_FIELD_MISSING_DEFAULT_VALUE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ImportMode_RegistersWithGivenIdAndVersion()
    {
        await using var host = await MiniRegistryHost.StartAsync();
        var http = host.Http;
        AssertError(await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV1, id = 50, version = 3 }), HttpStatusCode.UnprocessableEntity, 42205);
        Assert.Equal("""{"mode":"IMPORT"}""", (await Send(http, HttpMethod.Put, "mode", new { mode = "IMPORT" })).Text);
        Assert.Equal("""{"id":50}""", (await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV1, id = 50, version = 3 })).Text);
        AssertError(await Send(http, HttpMethod.Post, "subjects/u/versions", new { schema = UserV2, id = 50, version = 1 }), HttpStatusCode.UnprocessableEntity, 42205);
        await Send(http, HttpMethod.Put, "mode", new { mode = "READWRITE" });
        Assert.Equal("[3]", (await Send(http, HttpMethod.Get, "subjects/t/versions")).Text);
        Assert.Equal("""{"id":51}""", (await Send(http, HttpMethod.Post, "subjects/t/versions", new { schema = UserV2 })).Text);
        Assert.Equal("[3,4]", (await Send(http, HttpMethod.Get, "subjects/t/versions")).Text);
    }
}
