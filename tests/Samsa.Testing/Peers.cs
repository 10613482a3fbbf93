using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Samsa.Testing;

/// <summary>
/// Checks for third-party peers (kcat, python3 modules, librdkafka) that interop tests use.
/// A missing peer is a skip reason locally and an exception under <c>CI=true</c>.
/// Install peers with <c>scripts/install-peers.sh</c>.
/// </summary>
/// <remarks>
/// Known peer names: <c>kcat</c>, <c>librdkafka</c>, <c>python3</c>, <c>python3-kafka</c>,
/// <c>python3-confluent-kafka</c>, <c>python3-&lt;module&gt;</c> (any importable module, dashes
/// become underscores), <c>tcpdump</c>; any other name is looked up as an executable on PATH.
/// </remarks>
public static class Peers
{
    /// <summary>The librdkafka shared object name loaded by <see cref="LibrdkafkaMockCluster"/>.</summary>
    public const string LibrdkafkaSoName = "librdkafka.so.1";

    private static readonly ConcurrentDictionary<string, string?> Cache = new(StringComparer.Ordinal);

    /// <summary>True when running under CI (<c>CI=true</c>), where missing peers fail tests.</summary>
    public static bool IsCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>
    /// The Python interpreter that sees Debian's python3-* packages: <c>/usr/bin/python3</c> when it
    /// exists (a pyenv or venv python3 earlier on PATH would not see them), else <c>python3</c>.
    /// </summary>
    public static string Python3 { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>Returns null when the peer is available, otherwise why it is not. Results are cached.</summary>
    public static string? Check(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return Cache.GetOrAdd(name, Probe);
    }

    /// <summary>True when every named peer is available.</summary>
    public static bool Has(params string[] names) => MissingReason(names) is null;

    /// <summary>Returns null when all named peers are available, otherwise one sentence naming what is missing.</summary>
    public static string? MissingReason(params string[] names)
    {
        var missing = names.Select(n => Check(n)).Where(r => r is not null).ToArray();
        return missing.Length == 0
            ? null
            : $"Missing peer(s): {string.Join("; ", missing)}. Run scripts/install-peers.sh.";
    }

    /// <summary>
    /// Requires the named peers. Returns null when all are available; otherwise returns a skip reason,
    /// or throws <see cref="PeerMissingException"/> under <c>CI=true</c>.
    /// </summary>
    public static string? Require(params string[] names)
    {
        var reason = MissingReason(names);
        if (reason is not null && IsCi)
        {
            throw new PeerMissingException(reason);
        }

        return reason;
    }

    /// <summary>Finds an executable on PATH, or returns null.</summary>
    public static string? FindOnPath(string executable)
    {
        if (executable.Contains('/'))
        {
            return File.Exists(executable) ? executable : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, executable);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? Probe(string name)
    {
        switch (name)
        {
            case "librdkafka":
                if (NativeLibrary.TryLoad(LibrdkafkaSoName, out var handle))
                {
                    NativeLibrary.Free(handle);
                    return null;
                }

                return $"librdkafka ({LibrdkafkaSoName} not loadable; apt package librdkafka-dev)";
            case "python3":
                return FindOnPath(Python3) is null ? "python3 (not found)" : null;
            case "python3-kafka":
                return ProbePythonModule(name, "kafka");
            case "python3-confluent-kafka":
                return ProbePythonModule(name, "confluent_kafka");
            default:
                if (name.StartsWith("python3-", StringComparison.Ordinal))
                {
                    return ProbePythonModule(name, name["python3-".Length..].Replace('-', '_'));
                }

                return FindOnPath(name) is null ? $"{name} (not on PATH)" : null;
        }
    }

    private static string? ProbePythonModule(string peer, string module)
    {
        if (FindOnPath(Python3) is null)
        {
            return $"{peer} (python3 not found)";
        }

        try
        {
            var result = ProcessRunner.Run(Python3, ["-c", "import " + module], timeout: TimeSpan.FromSeconds(20));
            return result.ExitCode == 0 ? null : $"{peer} ({Python3} cannot import {module})";
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"{peer} ({ex.Message})";
        }
    }
}

/// <summary>Thrown under <c>CI=true</c> when a required third-party peer is missing.</summary>
public sealed class PeerMissingException(string message) : Exception(message);
