using Samsa.SchemaRegistry.Avro;

namespace Samsa.SchemaRegistry.Serdes;

/// <summary>How a subject name is derived from a topic and a schema.</summary>
public enum SubjectNameStrategy
{
    /// <summary><c>{topic}-key</c> / <c>{topic}-value</c> (the default).</summary>
    TopicName,
    /// <summary>The record's full name.</summary>
    RecordName,
    /// <summary><c>{topic}-{record full name}</c>.</summary>
    TopicRecordName,
}

/// <summary>Settings for <see cref="AvroSerializer{T}"/>.</summary>
public sealed class AvroSerializerOptions
{
    /// <summary>Register the schema when it is not yet in the subject (<c>auto.register.schemas</c>). Default true.</summary>
    public bool AutoRegisterSchemas { get; set; } = true;

    /// <summary>Write with the subject's latest schema instead of the value's (<c>use.latest.version</c>); needs <see cref="AutoRegisterSchemas"/> false. Default false.</summary>
    public bool UseLatestVersion { get; set; }

    /// <summary>Ask the registry to normalize schemas on register and lookup (<c>normalize.schemas</c>). Default false.</summary>
    public bool NormalizeSchemas { get; set; }

    /// <summary>Subject naming. Default <see cref="SubjectNameStrategy.TopicName"/>.</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; set; } = SubjectNameStrategy.TopicName;

    /// <summary>Throws when the combination is invalid.</summary>
    public void Validate()
    {
        if (UseLatestVersion && AutoRegisterSchemas)
        {
            throw new ArgumentException("UseLatestVersion requires AutoRegisterSchemas = false.");
        }
    }
}

/// <summary>Settings for <see cref="AvroDeserializer{T}"/>.</summary>
public sealed class AvroDeserializerOptions
{
    /// <summary>The schema to resolve data to; null reads with each message's writer schema. Default null.</summary>
    public AvroSchema? ReaderSchema { get; set; }
}

/// <summary>The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the payload.</summary>
public static class WireFormat
{
    /// <summary>The magic byte.</summary>
    public const byte MagicByte = 0;

    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 5;

    /// <summary>Reads the schema id and returns the payload.</summary>
    /// <exception cref="InvalidDataException">The data is shorter than the header or the magic byte is not 0.</exception>
    public static ReadOnlySpan<byte> ReadHeader(ReadOnlySpan<byte> data, out int schemaId)
    {
        if (data.Length < HeaderSize || data[0] != MagicByte)
        {
            throw new InvalidDataException(data.Length < HeaderSize
                ? $"Message of {data.Length} bytes is too short for the schema registry wire format."
                : $"Unknown magic byte {data[0]}; expected 0 (Confluent wire format).");
        }

        schemaId = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[1..]);
        return data[HeaderSize..];
    }

    /// <summary>The subject for a topic and schema under a strategy.</summary>
    public static string Subject(SubjectNameStrategy strategy, string topic, bool isKey, AvroSchema schema) => strategy switch
    {
        SubjectNameStrategy.TopicName => topic + (isKey ? "-key" : "-value"),
        SubjectNameStrategy.RecordName => RecordName(schema),
        _ => topic + "-" + RecordName(schema),
    };

    private static string RecordName(AvroSchema schema)
        => schema is NamedSchema n ? n.FullName : throw new ArgumentException($"Record name strategies need a named schema, not {schema.ToCanonicalForm()}.");
}
