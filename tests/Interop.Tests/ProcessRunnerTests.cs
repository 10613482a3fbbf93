using Samsa.Testing;

namespace Samsa.Interop.Tests;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task RunAsync_WithStdin_CapturesStdout()
    {
        var result = await ProcessRunner.RunAsync("cat", [], standardInput: "hello\nworld\n", timeout: TimeSpan.FromSeconds(10));

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal("hello\nworld\n", result.StandardOutput);
    }

    [Fact]
    public async Task RunAsync_PastTimeout_KillsProcessTreeAndReportsTimeout()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "sleep 30 & sleep 30"], timeout: TimeSpan.FromMilliseconds(300));

        Assert.True(result.TimedOut);
        Assert.False(result.Succeeded);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(10), result.Elapsed.ToString());
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_ReportsExitCodeAndStderr()
    {
        var result = await ProcessRunner.RunAsync("sh", ["-c", "echo oops >&2; exit 3"]);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("oops\n", result.StandardError);
        Assert.Throws<InvalidOperationException>(() => result.EnsureSuccess());
    }

    [Fact]
    public void Check_UnknownExecutable_ReturnsReason()
    {
        Assert.NotNull(Peers.Check("samsa-no-such-peer"));
        Assert.Null(Peers.Check("sh"));
    }
}
