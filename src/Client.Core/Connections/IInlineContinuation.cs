namespace Samsa.Client.Connections;

/// <summary>
/// Implemented by a request whose caller resumes with short, non-blocking work when the response arrives (the
/// producer settling a Produce response and starting its next request). The connection then runs that continuation on
/// its read loop, as the Java client's network thread does, instead of handing it to the thread pool: one thread
/// wake-up less per request. A continuation that blocks would stall every response behind it on the connection.
/// </summary>
public interface IInlineContinuation;
