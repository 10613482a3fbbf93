using System.Diagnostics;
using System.Text;

namespace Samsa.Testing;

/// <summary>The outcome of <see cref="ProcessRunner"/>.</summary>
/// <param name="FileName">The program that ran.</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="ExitCode">The exit code, or -1 when the process was killed on timeout.</param>
/// <param name="StandardOutput">Everything written to stdout (UTF-8).</param>
/// <param name="StandardError">Everything written to stderr (UTF-8).</param>
/// <param name="TimedOut">True when the timeout elapsed and the process tree was killed.</param>
/// <param name="Elapsed">Wall-clock run time.</param>
public sealed record ProcessResult(
    string FileName,
    IReadOnlyList<string> Arguments,
    int ExitCode,
    string StandardOutput,
    string StandardError,
    bool TimedOut,
    TimeSpan Elapsed)
{
    /// <summary>True when the process exited with 0 before the timeout.</summary>
    public bool Succeeded => !TimedOut && ExitCode == 0;

    /// <summary>Throws <see cref="InvalidOperationException"/> (with stderr) unless <see cref="Succeeded"/>.</summary>
    public ProcessResult EnsureSuccess()
    {
        if (!Succeeded)
        {
            throw new InvalidOperationException(ToString());
        }

        return this;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var status = TimedOut ? $"timed out after {Elapsed.TotalSeconds:F1}s" : $"exited {ExitCode}";
        return $"{FileName} {string.Join(' ', Arguments)}: {status}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
    }
}

/// <summary>Runs a command with arguments and optional stdin, bounded by a timeout, capturing stdout and stderr.</summary>
public static class ProcessRunner
{
    /// <summary>The timeout used when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Runs <paramref name="fileName"/> and waits for it. On timeout (or cancellation) the whole process tree
    /// is killed; a timeout is reported in <see cref="ProcessResult.TimedOut"/>, a cancellation throws.
    /// </summary>
    /// <param name="fileName">Program to run (looked up on PATH).</param>
    /// <param name="arguments">Arguments, passed without shell interpretation.</param>
    /// <param name="standardInput">Text written to stdin, which is then closed; null closes stdin at once.</param>
    /// <param name="timeout">Upper bound on run time; <see cref="DefaultTimeout"/> when null.</param>
    /// <param name="environment">Extra environment variables (a null value removes the variable).</param>
    /// <param name="workingDirectory">Working directory; the current one when null.</param>
    /// <param name="cancellationToken">Cancels the wait and kills the process tree.</param>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string? standardInput = null,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var args = arguments.ToArray();
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? string.Empty,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (value is null)
                {
                    psi.Environment.Remove(key);
                }
                else
                {
                    psi.Environment[key] = value;
                }
            }
        }

        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}");
        var stdoutTask = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderrTask = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutCts.CancelAfter(timeout ?? DefaultTimeout);
        var timedOut = false;
        try
        {
            try
            {
                if (standardInput is not null)
                {
                    await process.StandardInput.WriteAsync(standardInput.AsMemory(), timeoutCts.Token).ConfigureAwait(false);
                    await process.StandardInput.FlushAsync(timeoutCts.Token).ConfigureAwait(false);
                }
            }
            catch (IOException)
            {
                // The process exited without reading all of stdin; its exit code tells the story.
            }
            finally
            {
                process.StandardInput.Close();
            }

            await process.WaitForExitAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            timedOut = true;
        }

        // Killed or exited: the pipes close once every process holding them is gone; bound the wait anyway
        // in case a grandchild that escaped the kill keeps them open.
        var drained = Task.WhenAll(stdoutTask, stderrTask);
        if (await Task.WhenAny(drained, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false) != drained)
        {
            timedOut = true;
        }

        stopwatch.Stop();
        return new ProcessResult(
            fileName,
            args,
            timedOut ? -1 : process.ExitCode,
            stdoutTask.IsCompletedSuccessfully ? stdoutTask.Result : string.Empty,
            stderrTask.IsCompletedSuccessfully ? stderrTask.Result : string.Empty,
            timedOut,
            stopwatch.Elapsed);
    }

    /// <summary>
    /// Blocking form of <see cref="RunAsync"/> for places that cannot await (attribute constructors, peer probes).
    /// </summary>
    public static ProcessResult Run(
        string fileName,
        IEnumerable<string> arguments,
        string? standardInput = null,
        TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
        => Task.Run(() => RunAsync(fileName, arguments, standardInput, timeout, environment, workingDirectory))
            .GetAwaiter().GetResult();

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Raced with exit.
        }
    }
}
