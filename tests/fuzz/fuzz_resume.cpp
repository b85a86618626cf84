// What Resume reads from a run folder, on arbitrary bytes (the first byte
// picks which): trainer_state.json, parsed, then written and parsed back to
// the same state; and metrics.jsonl, cut back to the size the checkpoint
// recorded before the next line is appended. A state may be refused with an
// IssueBERT error; none may crash, or come back different from what was read.
#include "core/io/errors.h"
#include "core/train/metrics_log.h"
#include "core/train/trainer_state.h"

#include "support.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace issuebert;

namespace {

bool same(const TrainerState& a, const TrainerState& b) {
    return a.epoch == b.epoch && a.batch == b.batch && a.step == b.step &&
           a.bestScore == b.bestScore && a.bestEpoch == b.bestEpoch && a.bestStep == b.bestStep &&
           a.badEvaluations == b.badEvaluations && a.lastEvalStep == b.lastEvalStep &&
           a.elapsedSeconds == b.elapsedSeconds && a.epochLossSum == b.epochLossSum &&
           a.epochBatches == b.epochBatches && a.metricsLogBytes == b.metricsLogBytes &&
           a.fingerprint == b.fingerprint;
}

void trainerState(const std::string& text) {
    TrainerState state;
    try {
        state = parseTrainerState(text, "trainer_state.json");
    } catch (const ModelError&) {
        return; // refused, with a message naming the file
    }
    fuzz::check(state.epoch >= 0 && state.batch >= 0 && state.step >= 0 &&
                    state.metricsLogBytes >= 0,
                "a negative position was accepted");
    const TrainerState again = parseTrainerState(trainerStateJson(state), "again");
    fuzz::check(same(state, again), "trainer_state.json does not read back as written");
}

// The first 4 bytes: the size the checkpoint recorded; the rest: the log.
void metricsLog(std::string_view bytes) {
    if (bytes.size() < 4) {
        return;
    }
    std::uint32_t keep = 0;
    std::memcpy(&keep, bytes.data(), 4);
    const std::string_view log = bytes.substr(4);
    const long long keepBytes = keep % (log.size() + 16); // also past the end
    const std::string path = fuzz::writeInput(log, ".jsonl");
    const std::string line = R"({"event":"message","text":"Resuming"})";
    {
        MetricsLog metrics(path, keepBytes);
        metrics.append(line);
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream read;
    read << in.rdbuf();
    const std::string expected =
        std::string(log.substr(0, std::min<std::size_t>(log.size(), keepBytes))) + line + '\n';
    fuzz::check(read.str() == expected,
                "metrics.jsonl is not the log up to the checkpoint plus the new line");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        trainerState(std::string(rest));
    } else {
        metricsLog(rest);
    }
    return 0;
}
