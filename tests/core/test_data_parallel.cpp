// Data parallel's building blocks: torchrun's environment read with clear
// errors, a batch split evenly in rank order, and the c10d process group —
// two ranks (on two threads here; real processes in e2e.cli_distributed) that
// sum, gather and broadcast, and that name the rank to blame when one fails,
// when rank 0's port is taken or when the master cannot be reached.
#include "core/model/collate.h"
#include "core/model/model_folder.h"
#include "core/train/data_parallel.h"
#include "core/train/distributed.h"
#include "core/train/train_step.h"

#include <torch/torch.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "tests/support/trainer_fixtures.h"
#include "tests/support/unit.h"

using namespace issuebert;

namespace {

using namespace std::chrono_literals;

std::function<const char*(const char*)> envOf(const std::map<std::string, std::string>& values) {
    return [values](const char* name) -> const char* {
        const auto it = values.find(name);
        return it == values.end() ? nullptr : it->second.c_str();
    };
}

DistributedEnv localRun(int rank, int size, int port) {
    DistributedEnv env;
    env.rank = rank;
    env.worldSize = size;
    env.localRank = rank;
    env.localWorldSize = size;
    env.masterPort = port;
    return env;
}

// Runs body(group) as rank 0 and rank 1 of one run, each on its own thread;
// what each threw comes back as its message.
std::pair<std::string, std::string> twoRanks(const std::function<void(DataParallel&)>& body0,
                                             const std::function<void(DataParallel&)>& body1) {
    const int port = freeLocalPort();
    std::string errors[2];
    const auto run = [&](int rank, const std::function<void(DataParallel&)>& body) {
        try {
            DataParallel group(localRun(rank, 2, port), 20s);
            body(group);
        } catch (const std::exception& e) {
            errors[rank] = e.what();
        }
    };
    std::thread one([&] { run(1, body1); });
    run(0, body0);
    one.join();
    return {errors[0], errors[1]};
}

} // namespace

TEST_CASE("distributed: torchrun's environment, or one process without it") {
    CHECK(!distributedEnvFrom(envOf({})).has_value());
    const auto env = distributedEnvFrom(envOf({{"WORLD_SIZE", "4"},
                                               {"RANK", "3"},
                                               {"LOCAL_RANK", "1"},
                                               {"LOCAL_WORLD_SIZE", "2"},
                                               {"MASTER_ADDR", "10.0.0.7"},
                                               {"MASTER_PORT", "29611"}}));
    CHECK(env.has_value());
    CHECK_EQ(env->worldSize, 4);
    CHECK_EQ(env->rank, 3);
    CHECK_EQ(env->localRank, 1);
    CHECK_EQ(env->localWorldSize, 2);
    CHECK_EQ(env->masterAddr, std::string("10.0.0.7"));
    CHECK_EQ(env->masterPort, 29611);
    const auto defaults = distributedEnvFrom(envOf({{"WORLD_SIZE", "1"}}));
    CHECK_EQ(defaults->rank, 0);
    CHECK_EQ(defaults->masterAddr, std::string("127.0.0.1"));
    CHECK_EQ(defaults->masterPort, 29500);
}

TEST_CASE("distributed: a bad variable is named with its value") {
    CHECK_THROWS_WITH(distributedEnvFrom(envOf({{"WORLD_SIZE", "two"}})), DataError,
                      "WORLD_SIZE is 'two'; expected a whole number from 1 to");
    CHECK_THROWS_WITH(distributedEnvFrom(envOf({{"WORLD_SIZE", "2"}, {"RANK", "2"}})), DataError,
                      "RANK is '2'; expected a whole number from 0 to 1");
    CHECK_THROWS_WITH(distributedEnvFrom(envOf({{"WORLD_SIZE", "2"}, {"MASTER_PORT", "70000"}})),
                      DataError, "MASTER_PORT is '70000'");
    CHECK_THROWS_WITH(distributedEnvFrom(envOf({{"WORLD_SIZE", "2"}, {"RANK", "-1"}})), DataError,
                      "RANK is '-1'");
    CHECK_THROWS_WITH(distributedEnvFrom(envOf({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", ""}})),
                      DataError, "MASTER_ADDR is empty");
}

TEST_CASE("distributed: a batch is split in rank order, sizes differing by one at most") {
    using Range = std::pair<std::size_t, std::size_t>;
    CHECK_EQ(shareOf(10, 0, 3), Range(0, 4));
    CHECK_EQ(shareOf(10, 1, 3), Range(4, 7));
    CHECK_EQ(shareOf(10, 2, 3), Range(7, 10));
    CHECK_EQ(shareOf(1, 0, 2), Range(0, 1));
    CHECK_EQ(shareOf(1, 1, 2), Range(1, 1)); // no rows: the rank still joins the step
    CHECK_EQ(shareOf(32, 0, 1), Range(0, 32));
    CHECK_EQ(threadsPerProcess(2, 2), 1);
    CHECK_EQ(threadsPerProcess(16, 3), 5);
    CHECK_EQ(threadsPerProcess(1, 4), 1);
}

TEST_CASE("data parallel: two ranks sum, gather their rows and take rank 0's values") {
    if (!distributedAvailable()) {
        SKIP("this build has no c10d Gloo");
    }
    torch::Tensor gathered[2];
    torch::Tensor broadcast[2];
    std::vector<double> sums[2];
    torch::Tensor grads[2][2];
    const auto body = [&](DataParallel& group) {
        const int r = group.rank();
        sums[r] = group.sum({1.0 + r, 10.0 * r});
        // 5 rows: rank 0 has 3, rank 1 has 2.
        const auto [first, last] = group.share(5);
        const auto rows = torch::arange(static_cast<std::int64_t>(first) * 2,
                                        static_cast<std::int64_t>(last) * 2, torch::kFloat32)
                              .view({-1, 2});
        gathered[r] = group.gatherRows(rows, 5);
        broadcast[r] = torch::full({3}, static_cast<float>(r + 5));
        group.broadcastFromMain({broadcast[r]});
        // Rank 1 had no rows for the second parameter: its gradient is undefined.
        auto a = torch::zeros({4}, torch::requires_grad());
        auto b = torch::zeros({2, 3}, torch::requires_grad());
        (a * (r + 1)).sum().backward();
        if (r == 0) {
            (b * 7).sum().backward();
        }
        group.sumGradients({a, b});
        grads[r][0] = a.grad();
        grads[r][1] = b.grad();
    };
    const auto [error0, error1] = twoRanks(body, body);
    CHECK_EQ(error0, std::string());
    CHECK_EQ(error1, std::string());
    for (int r = 0; r < 2; ++r) {
        CHECK_EQ(sums[r], std::vector<double>({3.0, 10.0}));
        CHECK(torch::equal(gathered[r], torch::arange(10, torch::kFloat32).view({5, 2})));
        CHECK(torch::equal(broadcast[r], torch::full({3}, 5.0F)));
        CHECK(torch::equal(grads[r][0], torch::full({4}, 3.0F)));
        CHECK(torch::equal(grads[r][1], torch::full({2, 3}, 7.0F)));
    }
}

TEST_CASE("data parallel: a rank that fails is named by the others") {
    if (!distributedAvailable()) {
        SKIP("this build has no c10d Gloo");
    }
    const auto [error0, error1] = twoRanks(
        [](DataParallel& group) {
            group.sum({1.0});
            group.sum({2.0}); // rank 1 is gone by now
        },
        [](DataParallel& group) {
            group.sum({1.0});
            group.reportFailure("the computer ran out of memory at batch size 64");
        });
    CHECK(error0.find("rank 1 failed: the computer ran out of memory at batch size 64") !=
          std::string::npos);
    CHECK_EQ(error1, std::string());
}

TEST_CASE("data parallel: rank 0's port in use, or no master, is a clear error") {
    if (!distributedAvailable()) {
        SKIP("this build has no c10d Gloo");
    }
    // A port something else listens on.
    const int taken = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    CHECK(::bind(taken, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0);
    CHECK(::listen(taken, 1) == 0);
    CHECK(::getsockname(taken, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    const int port = ntohs(address.sin_port);
    CHECK_THROWS_WITH(DataParallel(localRun(0, 2, port), 5s), DistributedError,
                      "rank 0 cannot host the rendezvous store at 127.0.0.1:" +
                          std::to_string(port) + " (is the port in use?");
    ::close(taken);
    // Nobody listens there: rank 1 waits its timeout, then says whom it waited for.
    const int nobody = freeLocalPort();
    CHECK_THROWS_WITH(DataParallel(localRun(1, 2, nobody), 2s), DistributedError,
                      "rank 1 cannot reach rank 0's rendezvous store at 127.0.0.1:" +
                          std::to_string(nobody));
}

TEST_CASE("data parallel: two ranks with half a batch each step as one process with all of it") {
    if (!distributedAvailable()) {
        SKIP("this build has no c10d Gloo");
    }
    unit::TempDir temp;
    const std::string model = trainer_fixtures::tinyModel(temp);
    // 7 issues of different lengths: rank 0 takes 4, rank 1 takes 3.
    std::vector<Encoding> encodings(7);
    for (std::size_t i = 0; i < encodings.size(); ++i) {
        encodings[i].inputIds = {101};
        for (std::size_t t = 0; t < 3 + i; ++t) {
            encodings[i].inputIds.push_back(2000 + static_cast<int>(i * 7 + t * 3) % 50);
        }
        encodings[i].inputIds.push_back(102);
    }
    const std::vector<int> labels = {0, 1, 2, 0, 1, 2, 0};
    const BatchIndices whole = {0, 1, 2, 3, 4, 5, 6};
    const auto load = [&] {
        auto folder = openModelFolder(model);
        // No dropout: the two ranks share this process's generator here.
        folder.config.hiddenDropoutProb = 0.0;
        folder.config.attentionProbsDropoutProb = 0.0;
        return loadClassifier(folder,
                              {HeadKind::Linear, Pooling::Mean, {"bug", "feature", "question"}});
    };
    // The first step sums after the backward pass, the later ones while it
    // runs (GradientReducer), the embeddings by the batch's rows.
    constexpr std::size_t kSteps = 4;
    StepOptions stepOptions;
    stepOptions.classWeights = torch::tensor({1.0F, 2.0F, 0.5F});
    double weight = 0.0;
    for (const int label : labels) {
        weight += stepOptions.classWeights[label].item<double>();
    }

    auto alone = load();
    std::vector<double> aloneLosses;
    {
        StepRunner runner(*alone, stepOptions);
        for (std::size_t s = 0; s < kSteps; ++s) {
            aloneLosses.push_back(
                runner.step({collate(encodings, whole, labels, torch::kCPU)}, 1e-3).loss);
        }
    }
    BertClassifier ranks[2] = {load(), load()};
    std::vector<double> rankLosses[2];
    const auto body = [&](DataParallel& group) {
        const int r = group.rank();
        StepRunner runner(*ranks[r], stepOptions);
        runner.setDataParallel(&group);
        const auto [first, last] = group.share(whole.size());
        const BatchIndices mine(whole.begin() + static_cast<std::ptrdiff_t>(first),
                                whole.begin() + static_cast<std::ptrdiff_t>(last));
        const BatchShare share{static_cast<std::int64_t>(first), 7, weight};
        // The whole batch's tokens: only those rows of the word embeddings are summed.
        std::vector<std::int64_t> tokens{0};
        for (const auto& encoding : encodings) {
            tokens.insert(tokens.end(), encoding.inputIds.begin(), encoding.inputIds.end());
        }
        std::sort(tokens.begin(), tokens.end());
        tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
        for (std::size_t s = 0; s < kSteps; ++s) {
            rankLosses[r].push_back(
                runner
                    .step({collate(encodings, mine, labels, torch::kCPU, 9)}, {share}, 1e-3, tokens)
                    .loss);
        }
    };
    const auto [error0, error1] = twoRanks(body, body);
    CHECK_EQ(error0, std::string());
    CHECK_EQ(error1, std::string());
    for (std::size_t s = 0; s < kSteps; ++s) {
        CHECK_NEAR(rankLosses[0][s], aloneLosses[s], 1e-6);
        CHECK_EQ(rankLosses[0][s], rankLosses[1][s]);
    }
    // The models answer alike: the same logits to float rounding. (Adam turns
    // the rounding noise of gradients that are zero in exact arithmetic, such
    // as the attention keys' biases, into full-size steps of parameters that
    // change no answer, so the parameters themselves are not compared.)
    alone->eval();
    const Batch batch = collate(encodings, whole, labels, torch::kCPU);
    const auto expected = alone->forward(batch.inputIds, batch.attentionMask, batch.tokenTypeIds);
    for (auto& rank : ranks) {
        rank->eval();
        const auto logits = rank->forward(batch.inputIds, batch.attentionMask, batch.tokenTypeIds);
        CHECK((logits - expected).abs().max().item<double>() < 1e-5);
    }
    // A parameter the head never reads (the pooler, with mean pooling) stays as
    // it was on every rank, as in one process: no gradient, no update.
    CHECK(torch::equal(ranks[0]->bert->pooler->dense->weight, alone->bert->pooler->dense->weight));
    CHECK(torch::equal(ranks[1]->bert->pooler->dense->weight, alone->bert->pooler->dense->weight));
}
