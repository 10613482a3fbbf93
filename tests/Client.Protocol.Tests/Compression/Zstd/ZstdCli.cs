using System.Diagnostics;

namespace Samsa.Protocol.Tests.Compression.Zstd;

/// <summary>Runs the Debian <c>zstd</c> CLI on temp files. Missing CLI: tests fail under CI=true, otherwise skip early.</summary>
internal static class ZstdCli
{
    private static readonly Lazy<string?> s_path = new(Find);

    /// <summary>True when the CLI is present; throws when it is absent and CI=true.</summary>
    public static bool Available()
    {
        if (s_path.Value is not null)
        {
            return true;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("zstd CLI not found; run scripts/install-peers.sh.");
        }

        Console.WriteLine("SKIPPED: zstd CLI not found (run scripts/install-peers.sh); interop test returns early.");
        return false;
    }

    /// <summary>Compresses <paramref name="input"/> with the CLI using <paramref name="args"/>.</summary>
    public static byte[] Compress(byte[] input, string args)
    {
        string dir = Directory.CreateTempSubdirectory("samsa-zstd-").FullName;
        try
        {
            string inPath = Path.Combine(dir, "in.bin");
            string outPath = Path.Combine(dir, "out.zst");
            File.WriteAllBytes(inPath, input);
            Run($"{args} -q -f -o \"{outPath}\" \"{inPath}\"");
            return File.ReadAllBytes(outPath);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Compresses a stream piped through stdin (no content size in the header).</summary>
    public static byte[] CompressStream(byte[] input, string args)
    {
        string dir = Directory.CreateTempSubdirectory("samsa-zstd-").FullName;
        try
        {
            string inPath = Path.Combine(dir, "in.bin");
            string outPath = Path.Combine(dir, "out.zst");
            File.WriteAllBytes(inPath, input);
            RunShell($"cat \"{inPath}\" | \"{s_path.Value}\" {args} -q -c > \"{outPath}\"");
            return File.ReadAllBytes(outPath);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Decompresses <paramref name="compressed"/> with <c>zstd -d</c>.</summary>
    public static byte[] Decompress(byte[] compressed)
    {
        string dir = Directory.CreateTempSubdirectory("samsa-zstd-").FullName;
        try
        {
            string inPath = Path.Combine(dir, "in.zst");
            string outPath = Path.Combine(dir, "out.bin");
            File.WriteAllBytes(inPath, compressed);
            Run($"-d --long=31 -q -f -o \"{outPath}\" \"{inPath}\"");
            return File.ReadAllBytes(outPath);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static void Run(string args) => Exec(s_path.Value!, args);

    private static void RunShell(string script)
    {
        var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        Wait(psi, script);
    }

    private static void Exec(string file, string args) => Wait(new ProcessStartInfo(file, args)
    {
        RedirectStandardError = true,
        RedirectStandardOutput = true,
        UseShellExecute = false,
    }, $"{file} {args}");

    private static void Wait(ProcessStartInfo psi, string what)
    {
        using Process p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} exited with {p.ExitCode}: {stderr}");
        }
    }

    private static string? Find()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, "zstd")))
            {
                return Path.Combine(dir, "zstd");
            }
        }

        return null;
    }
}
