using System;
using System.Collections.Generic;
using System.Linq;

namespace PowerTrace.Core.Hardware
{
    /// <summary>
    /// Name lookup shared by the catalogs (GPUs, LLMs): case-insensitive, punctuation and spaces ignored,
    /// matching an entry's name or any of its aliases.
    /// </summary>
    internal static class CatalogLookup
    {
        /// <summary>The entry whose name or alias matches <paramref name="name"/>; null when none does.</summary>
        internal static T? Find<T>(IEnumerable<T> entries, string? name, Func<T, string> entryName, Func<T, IEnumerable<string>> aliases)
            where T : class
        {
            if (string.IsNullOrWhiteSpace(name)) return null;
            string key = Normalize(name!);
            foreach (var e in entries)
            {
                if (Normalize(entryName(e)) == key) return e;
                foreach (var a in aliases(e)) if (Normalize(a) == key) return e;
            }
            return null;
        }

        /// <summary>Lower-case letters and digits only.</summary>
        internal static string Normalize(string s) => new string(s.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
    }
}
