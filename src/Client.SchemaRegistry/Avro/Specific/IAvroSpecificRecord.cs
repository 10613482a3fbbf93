namespace Samsa.SchemaRegistry.Avro.Specific;

/// <summary>
/// A type with a compile-time Avro codec. Implemented by the Samsa source generator for <c>partial</c> types
/// marked <see cref="AvroRecordAttribute"/>; use it through <see cref="AvroSpecific"/> or the specific serdes.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IAvroSpecificRecord<TSelf>
    where TSelf : IAvroSpecificRecord<TSelf>
{
    /// <summary>The schema JSON the generator derived from the type.</summary>
    static abstract string AvroSchemaJson { get; }

    /// <summary>The parsed schema (one instance per type).</summary>
    static abstract RecordSchema AvroSchema { get; }

    /// <summary>Encodes <paramref name="value"/> with <see cref="AvroSchema"/>.</summary>
    /// <exception cref="AvroException">A value cannot be encoded (for example a null non-nullable member).</exception>
    static abstract void Write(ref AvroBinaryWriter writer, TSelf value);

    /// <summary>Decodes a value written with <see cref="AvroSchema"/> (or a schema with the same encoding).</summary>
    /// <exception cref="AvroException">The data is malformed.</exception>
    static abstract TSelf Read(ref AvroBinaryReader reader);

    /// <summary>Converts a generic record shaped by <see cref="AvroSchema"/> (the schema-resolution fallback).</summary>
    static abstract TSelf FromGeneric(GenericRecord record);
}
