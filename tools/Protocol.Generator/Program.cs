using Samsa.Protocol.Generator;

// Usage: dotnet run --project tools/Protocol.Generator -- [specDir] [outDir]
// Defaults: ../shared/reference/kafka/messages relative to the repository root, and src/Client.Protocol.
var repoRoot = FindRepoRoot(AppContext.BaseDirectory) ?? Directory.GetCurrentDirectory();
var specDir = args.Length > 0 ? args[0] : Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "reference", "kafka", "messages"));
var outDir = args.Length > 1 ? args[1] : Path.Combine(repoRoot, "src", "Client.Protocol");
var messagesDir = Path.Combine(outDir, "Messages");

if (!Directory.Exists(specDir))
{
    Console.Error.WriteLine($"Spec directory not found: {specDir}");
    return 2;
}

var specs = Directory.GetFiles(specDir, "*.json").OrderBy(p => p, StringComparer.Ordinal).Select(MessageSpec.Load).ToList();
var byName = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
var apis = specs.Where(s => s.Type == "request")
    .Select(req => (Request: req, Response: byName[ApiKeyEmitter.Base(req) + "Response"]))
    .OrderBy(a => a.Request.ApiKey)
    .ToList();

Directory.CreateDirectory(messagesDir);
foreach (var stale in Directory.GetFiles(messagesDir, "*.g.cs")) File.Delete(stale);
foreach (var spec in specs)
{
    string? responseName = spec.Type == "request" ? ApiKeyEmitter.Base(spec) + "Response" : null;
    File.WriteAllText(Path.Combine(messagesDir, spec.Name + ".g.cs"), MessageEmitter.Emit(spec, responseName));
}
File.WriteAllText(Path.Combine(outDir, "ApiKey.g.cs"), ApiKeyEmitter.Emit(apis));
File.WriteAllText(Path.Combine(outDir, "ErrorCode.g.cs"), ErrorCodeEmitter.Emit(Path.Combine(repoRoot, "tools", "Protocol.Generator", "ErrorCodes.tsv")));
Console.WriteLine($"Generated {specs.Count} messages ({apis.Count} APIs) into {messagesDir}");
return 0;

static string? FindRepoRoot(string start)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx"))) return dir.FullName;
    return null;
}
