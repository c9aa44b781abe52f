#include "chem/large_stack.h"

#include <pthread.h>

#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace nlammr {
namespace {

struct Job {
  const std::function<void()>* work;
  std::exception_ptr error;
};

void* run_job(void* argument) {
  Job* job = static_cast<Job*>(argument);
  try {
    (*job->work)();
  } catch (...) {
    job->error = std::current_exception();
  }
  return nullptr;
}

void check(int code, const char* what) {
  if (code != 0) throw std::runtime_error(std::string("cannot start a worker thread (") + what + ": " + std::strerror(code) + ")");
}

}  // namespace

void run_with_large_stack(const std::function<void()>& work, size_t stack_bytes) {
  Job job{&work, nullptr};
  pthread_attr_t attributes;
  check(pthread_attr_init(&attributes), "pthread_attr_init");
  int code = pthread_attr_setstacksize(&attributes, stack_bytes);
  pthread_t thread{};  // set by pthread_create; read only when it succeeded
  if (code == 0) code = pthread_create(&thread, &attributes, run_job, &job);
  pthread_attr_destroy(&attributes);
  check(code, "pthread_create");
  check(pthread_join(thread, nullptr), "pthread_join");
  if (job.error) std::rethrow_exception(job.error);
}

}  // namespace nlammr
