#pragma once
#include <vector>

namespace ck {

// A unit of asynchronous work. run() executes off the JS thread and must not throw.
class Task {
 public:
  virtual ~Task() = default;
  virtual void run() noexcept = 0;
  // Called on the runner thread right after run(); hands the task back to its owner.
  virtual void finished() noexcept = 0;
};

// Async kernel calls queue here and run one after another on a dedicated runner thread,
// each using the whole pool through parallel_for. They never occupy libuv's threadpool,
// which fs, dns and crypto share.
void scheduler_submit(Task* task, const void* group);

// Takes a task out of the queue if it has not started; true when it was still queued.
bool scheduler_withdraw(Task* task);

// Removes the group's queued tasks (returned, not run) and waits until none of the group's
// tasks is running. Used when an environment (a worker thread) is torn down.
std::vector<Task*> scheduler_drain(const void* group);

// Stops and joins the runner thread when nothing is queued; it restarts on next submit.
void scheduler_shutdown();

}  // namespace ck
