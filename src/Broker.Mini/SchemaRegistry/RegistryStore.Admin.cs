namespace Samsa.Broker.Mini.SchemaRegistry;

internal sealed partial class RegistryStore
{
    private static readonly string[] Levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];
    private static readonly string[] Modes = ["READWRITE", "READONLY", "READONLY_OVERRIDE", "IMPORT"];

    /// <summary>
    /// Soft-deletes every live version, or (permanent) removes a soft-deleted subject; returns the versions deleted.
    /// A hard delete needs a prior soft delete (40405); a soft-deleted subject cannot be soft-deleted again (40404).
    /// </summary>
    public IReadOnlyList<int> DeleteSubject(string subject, bool permanent)
    {
        RefuseWhenReadOnly(subject);
        var all = VersionsOf(subject, includeDeleted: true);
        if (all.Count == 0) throw RegistryError.SubjectNotFound(subject);
        var live = all.Where(e => !e.Deleted).ToList();
        if (permanent)
        {
            if (live.Count > 0) throw RegistryError.SubjectNotSoftDeleted(subject);
            foreach (var e in all) RefuseWhenReferenced(e);
            Commit([.. all.Select(e => SchemasTopic.SchemaTombstone(subject, e.Version)), SchemasTopic.DeleteSubjectRecord(subject, null)]);
            return all.Select(e => e.Version).ToList();
        }
        if (live.Count == 0) throw RegistryError.SubjectSoftDeleted(subject);
        foreach (var e in live) RefuseWhenReferenced(e);
        var records = live.Select(e => SchemasTopic.SchemaRecord(e with { Deleted = true })).ToList();
        records.Add(SchemasTopic.DeleteSubjectRecord(subject, all[^1].Version));
        // Like Confluent, a soft-deleted subject loses its subject-level compatibility and mode.
        if (_subjectConfig.ContainsKey(subject)) records.Add(SchemasTopic.ConfigRecord(subject, null));
        if (_subjectMode.ContainsKey(subject)) records.Add(SchemasTopic.ModeRecord(subject, null));
        Commit([.. records]);
        return live.Select(e => e.Version).ToList();
    }

    /// <summary>Soft-deletes one version, or (permanent) removes a soft-deleted one; returns its number.</summary>
    public int DeleteVersion(string subject, string version, bool permanent)
    {
        RefuseWhenReadOnly(subject);
        StoredSchema entry;
        if (IsLatest(version))
        {
            var candidates = VersionsOf(subject, includeDeleted: permanent);
            entry = candidates.Count > 0 ? candidates[^1] : throw RegistryError.SubjectNotFound(subject);
        }
        else
        {
            entry = GetVersion(subject, version, includeDeleted: true);
        }
        if (permanent)
        {
            if (!entry.Deleted) throw RegistryError.VersionNotSoftDeleted(subject, entry.Version);
            RefuseWhenReferenced(entry);
            Commit(SchemasTopic.SchemaTombstone(subject, entry.Version));
            return entry.Version;
        }
        if (entry.Deleted) throw RegistryError.VersionSoftDeleted(subject, entry.Version);
        RefuseWhenReferenced(entry);
        Commit(SchemasTopic.SchemaRecord(entry with { Deleted = true }));
        return entry.Version;
    }

    /// <summary>The global level, or a subject's (40408 unless <paramref name="defaultToGlobal"/>).</summary>
    public string GetConfig(string? subject, bool defaultToGlobal)
    {
        if (subject is null) return _globalConfig ?? DefaultCompatibility;
        if (_subjectConfig.TryGetValue(subject, out var level)) return level;
        return defaultToGlobal ? _globalConfig ?? DefaultCompatibility : throw RegistryError.SubjectCompatibilityNotConfigured(subject);
    }

    public string SetConfig(string? subject, string? level)
    {
        var name = Levels.FirstOrDefault(l => l.Equals(level, StringComparison.OrdinalIgnoreCase)) ?? throw RegistryError.InvalidCompatibilityLevel();
        if (subject is not null) RefuseWhenReadOnly(subject);
        Commit(SchemasTopic.ConfigRecord(subject, name));
        return name;
    }

    /// <summary>Removes the global level (back to BACKWARD) or a subject's; returns the level it had.</summary>
    public string DeleteConfig(string? subject)
    {
        if (subject is not null && VersionsOf(subject, includeDeleted: false).Count == 0 && !_subjectConfig.ContainsKey(subject))
            throw RegistryError.SubjectNotFound(subject);
        var previous = subject is null ? GetConfig(null, false) : GetConfig(subject, defaultToGlobal: true);
        Commit(SchemasTopic.ConfigRecord(subject, null));
        return previous;
    }

    /// <summary>The global mode, or a subject's (40409 unless <paramref name="defaultToGlobal"/>).</summary>
    public string GetMode(string? subject, bool defaultToGlobal)
    {
        if (subject is null) return _globalMode ?? DefaultMode;
        if (_subjectMode.TryGetValue(subject, out var mode)) return mode;
        return defaultToGlobal ? _globalMode ?? DefaultMode : throw RegistryError.SubjectModeNotConfigured(subject);
    }

    /// <summary>Sets a mode; IMPORT needs an empty registry (or subject) unless forced, as in Confluent.</summary>
    public string SetMode(string? subject, string? mode, bool force)
    {
        var name = Modes.FirstOrDefault(m => m.Equals(mode, StringComparison.OrdinalIgnoreCase)) ?? throw RegistryError.InvalidMode();
        if (name == "IMPORT" && !force && (subject is null ? _subjects.Values.Any(v => v.Values.Any(e => !e.Deleted)) : VersionsOf(subject, false).Count > 0))
            throw RegistryError.NotPermitted("Cannot import since found existing subjects");
        Commit(SchemasTopic.ModeRecord(subject, name));
        return name;
    }

    public string DeleteMode(string subject)
    {
        if (!_subjectMode.ContainsKey(subject) && VersionsOf(subject, includeDeleted: false).Count == 0) throw RegistryError.SubjectNotFound(subject);
        var previous = GetMode(subject, defaultToGlobal: true);
        Commit(SchemasTopic.ModeRecord(subject, null));
        return previous;
    }

    private void RefuseWhenReadOnly(string subject)
    {
        if (EffectiveMode(subject) == "READONLY") throw RegistryError.NotPermitted($"Subject {subject} is in read-only mode");
    }

    private void RefuseWhenReferenced(StoredSchema entry)
    {
        if (ReferencedBy(entry.Subject, entry.Version).Count > 0) throw RegistryError.ReferenceExists(entry.Subject, entry.Version);
    }
}
