/* Symbol visibility for the x12kit library.
 * The library is built with -fvisibility=hidden; only what carries X12_API is exported. */
#ifndef X12_EXPORT_H
#define X12_EXPORT_H

#if defined(X12KIT_STATIC)
#define X12_API
#elif defined(_WIN32)
#if defined(X12KIT_BUILDING)
#define X12_API __declspec(dllexport)
#else
#define X12_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define X12_API __attribute__((visibility("default")))
#else
#define X12_API
#endif

#endif
