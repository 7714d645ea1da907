// The three symbols @jazzer.js/fuzzer's prebuilt linux-x64 addon needs from glibc 2.38 and
// libstdc++ 13 that Debian 12 (glibc 2.36, GCC 12) lacks. Preloaded (LD_PRELOAD) into the fuzzing
// process once native-addon.ts has made the addon's references to them unversioned; see
// elf-symbol-versions.ts for why that is enough. Keep this list in step with COMPAT_SYMBOLS there.
#include <cerrno>
#include <cstdlib>
#include <ios>

namespace {

// C23 (and so glibc 2.38's __isoc23_* entry points) adds the 0b/0B prefix for base 0 and base 2;
// older strtol stops at the 'b'. Everything else is the classic function.
template <typename T, T (*Classic)(const char *, char **, int)>
T c23(const char *s, char **end, int base) {
  const char *p = s;
  while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++;
  const char *sign = p;
  if (*p == '+' || *p == '-') p++;
  if ((base == 0 || base == 2) && p[0] == '0' && (p[1] == 'b' || p[1] == 'B') && (p[2] == '0' || p[2] == '1')) {
    // Parse the digits after the prefix in base 2, then put the sign back.
    char *digitsEnd = nullptr;
    T value = Classic(p + 2, &digitsEnd, 2);
    if (end != nullptr) *end = digitsEnd;
    return *sign == '-' ? static_cast<T>(0) - value : value;
  }
  return Classic(s, end, base);
}

}  // namespace

extern "C" long __isoc23_strtol(const char *s, char **end, int base) { return c23<long, std::strtol>(s, end, base); }
extern "C" unsigned long __isoc23_strtoul(const char *s, char **end, int base) { return c23<unsigned long, std::strtoul>(s, end, base); }

// GCC 13 moved the standard streams' initialisation into libstdc++ itself and makes every object
// that uses <iostream> reference this function so that a new enough libstdc++ is linked. With
// GCC 12's libstdc++ the streams are set up by an ios_base::Init object, which this file supplies.
namespace std {
void ios_base_library_init() {}
}
static std::ios_base::Init initStreams;
