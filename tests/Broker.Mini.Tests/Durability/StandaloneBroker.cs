using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Samsa.Broker.Mini.Tests.Durability;

/// <summary>
/// The standalone broker (<c>Samsa.Broker.Mini.dll</c>, copied next to the tests by the project reference) run as a
/// child process, so a test can kill it with SIGKILL and start it again on the same port and data directory.
/// </summary>
internal sealed class StandaloneBroker : IAsyncDisposable
{
    private static readonly TimeSpan StartGuard = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private StandaloneBroker(Process process) => _process = process;

    public string BootstrapServers { get; private set; } = "";

    /// <summary>Everything the broker logged so far (for failure messages).</summary>
    public string Log
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>A TCP port that was free a moment ago.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the broker and waits until it prints its bootstrap servers.</summary>
    public static async Task<StandaloneBroker> StartAsync(int port, string dataDirectory, params string[] extraArgs)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Samsa.Broker.Mini.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("The standalone broker was not built next to the tests.", dll);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { dll, "--brokers", "1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDirectory }.Concat(extraArgs))
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var broker = new StandaloneBroker(process);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (broker._stderr) broker._stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        using var guard = new CancellationTokenSource(StartGuard);
        while (true)
        {
            string? line;
            try
            {
                line = await process.StandardOutput.ReadLineAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                line = null;
            }
            if (line is null)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException($"The broker did not start:\n{broker.Log}");
            }
            const string prefix = "bootstrap.servers=";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                broker.BootstrapServers = line[prefix.Length..];
                return broker;
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(StartGuard);
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
