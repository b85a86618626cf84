// torchrun's environment and the batch split (see distributed.h).
#include "core/train/distributed.h"

#include "core/io/errors.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>

namespace issuebert {

namespace {

// name's value as an integer in [low, high]; fallback when unset.
int intVariable(const std::function<const char*(const char*)>& getenv, const char* name,
                int fallback, int low, int high) {
    const char* value = getenv(name);
    if (value == nullptr) {
        return fallback;
    }
    const std::string text(value);
    int parsed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (text.empty() || error != std::errc() || end != text.data() + text.size() || parsed < low ||
        parsed > high) {
        throw DataError(std::string(name) + " is " + quote(text) +
                        "; expected a whole number from " + std::to_string(low) + " to " +
                        std::to_string(high));
    }
    return parsed;
}

} // namespace

std::optional<DistributedEnv>
distributedEnvFrom(const std::function<const char*(const char*)>& getenv) {
    if (getenv("WORLD_SIZE") == nullptr) {
        return std::nullopt;
    }
    constexpr int kMaxProcesses = 65536;
    DistributedEnv env;
    env.worldSize = intVariable(getenv, "WORLD_SIZE", 1, 1, kMaxProcesses);
    env.rank = intVariable(getenv, "RANK", 0, 0, env.worldSize - 1);
    env.localWorldSize = intVariable(getenv, "LOCAL_WORLD_SIZE", 1, 1, env.worldSize);
    env.localRank = intVariable(getenv, "LOCAL_RANK", 0, 0, env.localWorldSize - 1);
    env.masterPort = intVariable(getenv, "MASTER_PORT", env.masterPort, 1, 65535);
    if (const char* addr = getenv("MASTER_ADDR"); addr != nullptr) {
        if (*addr == '\0') {
            throw DataError("MASTER_ADDR is empty; expected the host name or address of rank 0");
        }
        env.masterAddr = addr;
    }
    return env;
}

std::optional<DistributedEnv> distributedEnvFromEnvironment() {
    return distributedEnvFrom([](const char* name) { return std::getenv(name); });
}

std::pair<std::size_t, std::size_t> shareOf(std::size_t n, int rank, int size) {
    const auto r = static_cast<std::size_t>(rank);
    const auto s = static_cast<std::size_t>(std::max(1, size));
    const std::size_t base = n / s;
    const std::size_t extra = n % s;
    const std::size_t first = r * base + std::min(r, extra);
    return {first, first + base + (r < extra ? 1 : 0)};
}

int freeLocalPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        throw IoError(std::string("cannot open a socket to find a free port: ") +
                      std::strerror(errno));
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    const int error = errno;
    ::close(fd);
    if (!bound) {
        throw IoError(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(error));
    }
    return ntohs(address.sin_port);
}

int threadsPerProcess(int cores, int localWorldSize) {
    return std::max(1, cores / std::max(1, localWorldSize));
}

} // namespace issuebert
