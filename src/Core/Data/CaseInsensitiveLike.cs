using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.SqlExpressions;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Query;

namespace WebTicketing.Core.Data;

/// <summary>
/// Makes <c>EF.Functions.Like</c> case-insensitive on PostgreSQL (<c>ILIKE</c>), as SQLite's <c>LIKE</c> already is,
/// so a search written once finds "Router" for "router" on either database. (SQLite folds ASCII letters only;
/// PostgreSQL folds accented letters too, so "CAMIÓN" matches "camión" there and not on SQLite.)
/// <c>string.Contains</c> stays case-sensitive on both.
/// </summary>
public static class CaseInsensitiveLike
{
    public static DbContextOptionsBuilder UseCaseInsensitiveLike(this DbContextOptionsBuilder options)
    {
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new Extension());
        return options;
    }

    private sealed class Extension : IDbContextOptionsExtension
    {
        public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

        public void ApplyServices(IServiceCollection services) =>
            new EntityFrameworkRelationalServicesBuilder(services).TryAdd<IMethodCallTranslatorPlugin, Plugin>();

        public void Validate(IDbContextOptions options)
        {
        }
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;
        public override string LogFragment => "CaseInsensitiveLike ";
        public override int GetServiceProviderHashCode() => 0;
        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) =>
            debugInfo["WebTicketing:CaseInsensitiveLike"] = "1";
    }

    // Plugins are asked before the provider's own translators, so this one wins over Npgsql's LIKE.
    private sealed class Plugin(ISqlExpressionFactory sql) : IMethodCallTranslatorPlugin
    {
        public IEnumerable<IMethodCallTranslator> Translators { get; } = [new Translator((NpgsqlSqlExpressionFactory)sql)];
    }

    private sealed class Translator(NpgsqlSqlExpressionFactory sql) : IMethodCallTranslator
    {
        private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
            nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string)])!;
        private static readonly MethodInfo LikeWithEscape = typeof(DbFunctionsExtensions).GetMethod(
            nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

        public SqlExpression? Translate(SqlExpression? instance, MethodInfo method, IReadOnlyList<SqlExpression> arguments, IDiagnosticsLogger<DbLoggerCategory.Query> logger)
        {
            if (method != Like && method != LikeWithEscape)
            {
                return null;
            }
            var mapping = Microsoft.EntityFrameworkCore.Query.ExpressionExtensions.InferTypeMapping(arguments[1], arguments[2]);
            return sql.ILike(
                sql.ApplyTypeMapping(arguments[1], mapping),
                sql.ApplyTypeMapping(arguments[2], mapping),
                method == LikeWithEscape ? sql.ApplyTypeMapping(arguments[3], mapping) : null);
        }
    }
}
