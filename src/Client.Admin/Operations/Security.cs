using System.Security.Cryptography;
using System.Text;
using Samsa.Admin.Internal;
using Samsa.Protocol;
using Samsa.Protocol.Messages;

namespace Samsa.Admin;

public sealed partial class AdminClient
{
    /// <summary>Creates ACLs (any broker; forwarded to the controller); each binding gets its own result.</summary>
    public Task<AdminResults<AclBinding, Done>> CreateAclsAsync(IEnumerable<AclBinding> acls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(acls);
        return _driver.RunAsync<AclBinding, Done>("CreateAcls", acls, _ => Route.Any, async (connection, batch, ct) =>
        {
            var request = new CreateAclsRequest
            {
                Creations = batch.Select(a => new CreateAclsRequest.AclCreation
                {
                    ResourceType = (sbyte)a.ResourceType,
                    ResourceName = a.ResourceName,
                    ResourcePatternType = (sbyte)a.PatternType,
                    Principal = a.Principal,
                    Host = a.Host,
                    Operation = (sbyte)a.Operation,
                    PermissionType = (sbyte)a.Permission,
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            // Results come back in request order.
            var map = new Dictionary<AclBinding, Outcome<Done>>();
            for (int i = 0; i < batch.Count && i < response.Results.Count; i++)
                map[batch[i]] = Outcome<Done>.From(response.Results[i].ErrorCode, response.Results[i].ErrorMessage, default);
            return map;
        }, cancellationToken);
    }

    /// <summary>The ACLs matching <paramref name="filter"/>; throws the broker's error (SECURITY_DISABLED without an authorizer).</summary>
    public Task<IReadOnlyList<AclBinding>> DescribeAclsAsync(AclBindingFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return _driver.RunSingleAsync<IReadOnlyList<AclBinding>>("DescribeAcls", Route.Any, async (connection, ct) =>
        {
            var request = new DescribeAclsRequest
            {
                ResourceTypeFilter = (sbyte)filter.ResourceType,
                ResourceNameFilter = filter.ResourceName,
                PatternTypeFilter = (sbyte)filter.PatternType,
                PrincipalFilter = filter.Principal,
                HostFilter = filter.Host,
                Operation = (sbyte)filter.Operation,
                PermissionType = (sbyte)filter.Permission,
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            IReadOnlyList<AclBinding> acls = response.Resources.SelectMany(r => r.Acls.Select(a => new AclBinding((ResourceType)r.ResourceType, r.ResourceName,
                (PatternType)r.PatternType, a.Principal, a.Host, (AclOperation)a.Operation, (AclPermissionType)a.PermissionType))).ToList();
            return Outcome<IReadOnlyList<AclBinding>>.From(response.ErrorCode, response.ErrorMessage, acls);
        }, cancellationToken);
    }

    /// <summary>Deletes the ACLs matching each filter; each filter's result lists what it deleted.</summary>
    public Task<AdminResults<AclBindingFilter, IReadOnlyList<AclBinding>>> DeleteAclsAsync(IEnumerable<AclBindingFilter> filters,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filters);
        return _driver.RunAsync<AclBindingFilter, IReadOnlyList<AclBinding>>("DeleteAcls", filters, _ => Route.Any, async (connection, batch, ct) =>
        {
            var request = new DeleteAclsRequest
            {
                Filters = batch.Select(f => new DeleteAclsRequest.DeleteAclsFilter
                {
                    ResourceTypeFilter = (sbyte)f.ResourceType,
                    ResourceNameFilter = f.ResourceName,
                    PatternTypeFilter = (sbyte)f.PatternType,
                    PrincipalFilter = f.Principal,
                    HostFilter = f.Host,
                    Operation = (sbyte)f.Operation,
                    PermissionType = (sbyte)f.Permission,
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            var map = new Dictionary<AclBindingFilter, Outcome<IReadOnlyList<AclBinding>>>();
            for (int i = 0; i < batch.Count && i < response.FilterResults.Count; i++)
            {
                var r = response.FilterResults[i];
                IReadOnlyList<AclBinding> deleted = r.MatchingAcls.Where(m => m.ErrorCode == 0).Select(m => new AclBinding((ResourceType)m.ResourceType, m.ResourceName,
                    (PatternType)m.PatternType, m.Principal, m.Host, (AclOperation)m.Operation, (AclPermissionType)m.PermissionType)).ToList();
                map[batch[i]] = Outcome<IReadOnlyList<AclBinding>>.From(r.ErrorCode, r.ErrorMessage, deleted);
            }
            return map;
        }, cancellationToken);
    }

    /// <summary>Users' SCRAM credentials (mechanism and iterations); each user gets its own result.</summary>
    public Task<AdminResults<string, IReadOnlyList<ScramCredentialInfo>>> DescribeUserScramCredentialsAsync(IEnumerable<string> users,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(users);
        return _driver.RunAsync<string, IReadOnlyList<ScramCredentialInfo>>("DescribeUserScramCredentials", users, _ => Route.Any, async (connection, batch, ct) =>
        {
            var request = new DescribeUserScramCredentialsRequest { Users = batch.Select(u => new DescribeUserScramCredentialsRequest.UserName { Name = u }).ToList() };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            if (response.ErrorCode != 0) return All<string, IReadOnlyList<ScramCredentialInfo>>(batch, response.ErrorCode, response.ErrorMessage);
            return response.Results.ToMap(r => r.User, r => Outcome<IReadOnlyList<ScramCredentialInfo>>.From(r.ErrorCode, r.ErrorMessage,
                r.CredentialInfos.Select(c => new ScramCredentialInfo((ScramMechanism)c.Mechanism, c.Iterations)).ToList()));
        }, cancellationToken);
    }

    /// <summary>
    /// Upserts (salting the password with PBKDF2 as SCRAM's Hi() does, so the password never leaves the client) or
    /// deletes SCRAM credentials; each user gets its own result.
    /// </summary>
    public Task<AdminResults<string, Done>> AlterUserScramCredentialsAsync(IEnumerable<ScramCredentialAlteration> alterations,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alterations);
        var byUser = alterations.GroupBy(a => a.User, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        return _driver.RunAsync<string, Done>("AlterUserScramCredentials", byUser.Keys, _ => Route.Any, async (connection, batch, ct) =>
        {
            var request = new AlterUserScramCredentialsRequest();
            foreach (var alteration in batch.SelectMany(u => byUser[u]))
            {
                if (alteration.Password is null)
                {
                    request.Deletions.Add(new() { Name = alteration.User, Mechanism = (sbyte)alteration.Mechanism });
                    continue;
                }
                var salt = alteration.Salt ?? RandomNumberGenerator.GetBytes(32);
                var hash = alteration.Mechanism == ScramMechanism.ScramSha512 ? HashAlgorithmName.SHA512 : HashAlgorithmName.SHA256;
                int length = hash == HashAlgorithmName.SHA512 ? 64 : 32;
                request.Upsertions.Add(new()
                {
                    Name = alteration.User,
                    Mechanism = (sbyte)alteration.Mechanism,
                    Iterations = alteration.Iterations,
                    Salt = salt,
                    SaltedPassword = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(alteration.Password), salt, alteration.Iterations, hash, length),
                });
            }
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            var map = new Dictionary<string, Outcome<Done>>(StringComparer.Ordinal);
            foreach (var r in response.Results)
            {
                // A user with several alterations keeps its first error.
                if (!map.TryGetValue(r.User, out var existing) || existing.Error is null) map[r.User] = Outcome<Done>.From(r.ErrorCode, r.ErrorMessage, default);
            }
            return map;
        }, cancellationToken);
    }

    /// <summary>Quotas of entities matching every component (<paramref name="strict"/>: only entities with exactly these types).</summary>
    public Task<IReadOnlyDictionary<ClientQuotaEntity, IReadOnlyDictionary<string, double>>> DescribeClientQuotasAsync(
        IEnumerable<QuotaFilterComponent> components, bool strict = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(components);
        var list = components.ToList();
        return _driver.RunSingleAsync<IReadOnlyDictionary<ClientQuotaEntity, IReadOnlyDictionary<string, double>>>("DescribeClientQuotas", Route.Any, async (connection, ct) =>
        {
            var request = new DescribeClientQuotasRequest
            {
                Strict = strict,
                Components = list.Select(c => new DescribeClientQuotasRequest.ComponentData { EntityType = c.EntityType, MatchType = (sbyte)c.Match, Match = c.Name }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            IReadOnlyDictionary<ClientQuotaEntity, IReadOnlyDictionary<string, double>> map = (response.Entries ?? []).ToDictionary(
                e => new ClientQuotaEntity(e.Entity.ToDictionary(x => x.EntityType, x => x.EntityName)),
                e => (IReadOnlyDictionary<string, double>)e.Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal));
            return Outcome<IReadOnlyDictionary<ClientQuotaEntity, IReadOnlyDictionary<string, double>>>.From(response.ErrorCode, response.ErrorMessage, map);
        }, cancellationToken);
    }

    /// <summary>Sets or removes quotas (any broker; forwarded to the controller); each entity gets its own result.</summary>
    public Task<AdminResults<ClientQuotaEntity, Done>> AlterClientQuotasAsync(IEnumerable<ClientQuotaAlteration> alterations, bool validateOnly = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alterations);
        var byEntity = alterations.ToDictionary(a => a.Entity);
        return _driver.RunAsync<ClientQuotaEntity, Done>("AlterClientQuotas", byEntity.Keys, _ => Route.Any, async (connection, batch, ct) =>
        {
            var request = new AlterClientQuotasRequest
            {
                ValidateOnly = validateOnly,
                Entries = batch.Select(e => new AlterClientQuotasRequest.EntryData
                {
                    Entity = e.Entries.Select(x => new AlterClientQuotasRequest.EntityData { EntityType = x.Key, EntityName = x.Value }).ToList(),
                    Ops = byEntity[e].Ops.Select(o => new AlterClientQuotasRequest.OpData { Key = o.Key, Value = o.Value ?? 0, Remove = o.Value is null }).ToList(),
                }).ToList(),
            };
            var response = await connection.SendAsync(request, ct).ConfigureAwait(false);
            return response.Entries.ToMap(e => new ClientQuotaEntity(e.Entity.ToDictionary(x => x.EntityType, x => x.EntityName)),
                e => Outcome<Done>.From(e.ErrorCode, e.ErrorMessage, default));
        }, cancellationToken);
    }
}
