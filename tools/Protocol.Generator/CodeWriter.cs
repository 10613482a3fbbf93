using System.Text;

namespace Samsa.Protocol.Generator;

/// <summary>Indentation-aware text builder for emitted C#.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length == 0) { _sb.Append('\n'); return; }
        _sb.Append(' ', _indent * 4).Append(text).Append('\n');
    }

    public void Open(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
    }

    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public void Doc(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) text = "Not documented in the spec.";
        Line($"/// <summary>{Escape(text)}</summary>");
    }

    /// <summary>A summary written by the generator itself, which may contain XML doc tags.</summary>
    public void DocRaw(string text) => Line($"/// <summary>{text}</summary>");

    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    public override string ToString() => _sb.ToString();
}
