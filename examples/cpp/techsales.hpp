// A small RAII layer over the techsales C interface: handles free
// themselves, library strings become std::string, and a failed call throws
// techsales::error with the code and the library's message.
#ifndef TECHSALES_HPP
#define TECHSALES_HPP

#include <memory>
#include <stdexcept>
#include <string>

#include "techsales.h"

namespace techsales {

// A failed call: its result code and the library's message.
class error : public std::runtime_error {
 public:
  error(techsales_result code, const std::string &what)
      : std::runtime_error(what + ": " + techsales_last_error_message()), code_(code) {}
  techsales_result code() const { return code_; }

 private:
  techsales_result code_;
};

// Throws unless the call succeeded.
inline void check(techsales_result r, const char *what) {
  if (r != TECHSALES_RESULT_OK) throw error(r, what);
}

// An owned handle, freed by its library function.
template <typename T, void (*Free)(T *)>
struct deleter {
  void operator()(T *p) const { Free(p); }
};
template <typename T, void (*Free)(T *)>
using handle = std::unique_ptr<T, deleter<T, Free>>;

using grader = handle<techsales_grader, techsales_grader_free>;
using customer = handle<techsales_customer, techsales_customer_free>;
using planner = handle<techsales_planner, techsales_planner_free>;
using definition =
    handle<techsales_key_account_definition, techsales_key_account_definition_free>;
using deal = handle<techsales_key_account, techsales_key_account_free>;
using cycle = handle<techsales_cycle, techsales_cycle_free>;
using portfolio = handle<techsales_portfolio, techsales_portfolio_free>;

// Takes ownership of a string the library returned.
inline std::string take(char *s) {
  std::unique_ptr<char, deleter<char, techsales_string_free>> owned(s);
  return owned ? std::string(owned.get()) : std::string();
}

// Calls a function that writes an owned string and returns it.
template <typename F>
std::string text(F &&call, const char *what) {
  char *out = nullptr;
  check(call(&out), what);
  return take(out);
}

// Calls a constructor-like function and wraps the handle it writes.
template <typename Handle, typename F>
Handle make(F &&call, const char *what) {
  typename Handle::pointer out = nullptr;
  check(call(&out), what);
  return Handle(out);
}

}  // namespace techsales

#endif  // TECHSALES_HPP
