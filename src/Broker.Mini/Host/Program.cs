using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Samsa.Broker.Mini.Host;

/// <summary>The standalone broker: <c>dotnet run --project src/Broker.Mini -- --brokers 3 --port 9092 --data-dir ./data</c>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new MiniClusterOptions { Port = 9092 };
        var level = LogLevel.Information;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--brokers": options.Brokers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--port": options.Port = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--host": options.Host = Next(); break;
                case "--data-dir": options.DataDirectory = Path.GetFullPath(Next()); break;
                case "--cluster-id": options.ClusterId = Next(); break;
                case "--verbose": level = LogLevel.Debug; break;
                case "--schema-registry-port":
                    options.SchemaRegistry = true;
                    options.SchemaRegistryPort = int.Parse(Next(), CultureInfo.InvariantCulture);
                    break;
                case "--config":
                    var kv = Next().Split('=', 2);
                    if (kv.Length != 2) throw new ArgumentException("--config takes key=value.");
                    options.BrokerConfigs[kv[0]] = kv[1];
                    break;
                case "-h" or "--help":
                    Console.WriteLine("Samsa.Broker.Mini [--brokers N] [--port P] [--host H] [--data-dir DIR] [--cluster-id ID] [--config key=value]... [--schema-registry-port P] [--verbose]");
                    return 0;
                default:
                    Console.Error.WriteLine($"Unknown argument {args[i]}; see --help.");
                    return 2;
            }
        }
        using var loggerFactory = new ConsoleLoggerFactory(level);
        options.LoggerFactory = loggerFactory;
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            stop.Cancel();
        });
        await using var cluster = await MiniCluster.StartAsync(options).ConfigureAwait(false);
        Console.WriteLine($"bootstrap.servers={cluster.BootstrapServers}");
        if (cluster.SchemaRegistryUrl is { } registryUrl) Console.WriteLine($"schema.registry.url={registryUrl}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: dispose stops the brokers gracefully.
        }
        return 0;
    }
}
