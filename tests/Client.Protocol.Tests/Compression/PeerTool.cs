using System.Diagnostics;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Compression;

/// <summary>Runs third-party compression tools (installed by scripts/install-peers.sh).</summary>
internal static class PeerTool
{
    private static readonly Lazy<string?> PythonWithSnappy = new(() => FindPythonWith("snappy"));
    private static readonly Lazy<string?> PythonWithZstandard = new(() => FindPythonWith("zstandard"));

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Returns true when <paramref name="tool"/> is on the PATH. Otherwise fails under CI=true, or writes why the
    /// test did nothing and returns false (xunit 2 has no dynamic skip).
    /// </summary>
    public static bool Require(string tool, ITestOutputHelper output) =>
        Check(FindOnPath(tool) is not null, $"'{tool}' is not installed; run scripts/install-peers.sh", output);

    public static bool RequirePythonSnappy(ITestOutputHelper output) =>
        Check(PythonWithSnappy.Value is not null, "python3 with the snappy module (python3-snappy) is not installed; run scripts/install-peers.sh", output);

    public static byte[] Python(string script, byte[] stdin) => Run(PythonWithSnappy.Value!, ["-c", script], stdin);

    public static bool RequirePythonZstandard(ITestOutputHelper output) =>
        Check(PythonWithZstandard.Value is not null, "python3 with the zstandard module (python3-zstandard) is not installed; run scripts/install-peers.sh", output);

    /// <summary>Runs <paramref name="script"/> with the python3 that has the zstandard module; <paramref name="arguments"/> follow it in sys.argv.</summary>
    public static byte[] PythonZstandard(string script, byte[] stdin, params string[] arguments) =>
        Run(PythonWithZstandard.Value!, ["-c", script, .. arguments], stdin);

    public static byte[] Run(string fileName, IReadOnlyList<string> arguments, byte[] stdin)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = new MemoryStream();
        Task copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> readErr = process.StandardError.ReadToEndAsync();
        Task writeIn = Task.Run(() =>
        {
            try
            {
                process.StandardInput.BaseStream.Write(stdin);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited early; its exit code and stderr explain why.
            }
        });
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish.");
        }

        Task.WaitAll(copyOut, readErr, writeIn);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {readErr.Result}");
        }

        return stdout.ToArray();
    }

    private static bool Check(bool present, string reason, ITestOutputHelper output)
    {
        if (present)
        {
            return true;
        }

        if (IsCi)
        {
            Assert.Fail(reason + " (required because CI=true)");
        }

        output.WriteLine("SKIPPED: " + reason);
        return false;
    }

    private static string? FindOnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, tool);
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string? FindPythonWith(string module)
    {
        // The Debian package installs for the system interpreter, which a pyenv shim may hide.
        foreach (string python in new[] { "/usr/bin/python3", FindOnPath("python3") ?? "" })
        {
            if (python.Length == 0 || !File.Exists(python))
            {
                continue;
            }

            try
            {
                Run(python, ["-c", "import " + module], []);
                return python;
            }
            catch (InvalidOperationException)
            {
            }
        }

        return null;
    }
}
