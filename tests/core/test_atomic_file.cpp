// Atomic replacement (issue 12): a file written through AtomicFile keeps the
// permissions of the one it replaces, a symbolic link is written through to
// its target, and the temporaries of a killed writer are removed.
#include "core/io/atomic_file.h"
#include "core/io/errors.h"

#include "tests/support/unit.h"

#include <filesystem>
#include <fstream>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace issuebert;
namespace fs = std::filesystem;

namespace {

std::string contentOf(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void writeText(const fs::path& path, const std::string& text) {
    writeFileAtomically(path.string(), [&](std::ostream& out) { out << text; });
}

unsigned modeOf(const fs::path& path) {
    struct stat info {};
    ::stat(path.c_str(), &info);
    return info.st_mode & 07777;
}

// The id of a process that has ended (a child reaped at once).
pid_t endedProcess() {
    const pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    ::waitpid(child, nullptr, 0);
    return child;
}

} // namespace

TEST_CASE("atomic file: the replaced file keeps its permissions; a new one gets the umask's") {
    const unit::TempDir dir;
    const fs::path secret = dir.path() / "predictions.csv";
    writeText(secret, "old");
    ::chmod(secret.c_str(), 0600);
    writeText(secret, "new");
    CHECK_EQ(contentOf(secret), std::string("new"));
    CHECK_EQ(modeOf(secret), 0600u);
    ::chmod(secret.c_str(), 0640);
    writeText(secret, "newer");
    CHECK_EQ(modeOf(secret), 0640u);

    const mode_t mask = ::umask(022);
    ::umask(mask);
    const fs::path fresh = dir.path() / "fresh.csv";
    writeText(fresh, "x");
    CHECK_EQ(modeOf(fresh), 0666u & ~static_cast<unsigned>(mask));
}

TEST_CASE("atomic file: a symbolic link is written through to its target and stays a link") {
    const unit::TempDir dir;
    fs::create_directory(dir.path() / "real");
    const fs::path target = dir.path() / "real" / "labels.jsonl";
    writeText(target, "old");
    const fs::path link = dir.path() / "labels.jsonl";
    fs::create_symlink("real/labels.jsonl", link);
    const fs::path second = dir.path() / "again.jsonl";
    fs::create_symlink(link, second); // a link to a link
    writeText(second, "new");
    CHECK(fs::is_symlink(link));
    CHECK(fs::is_symlink(second));
    CHECK_EQ(contentOf(target), std::string("new"));
    CHECK_EQ(std::distance(fs::directory_iterator(dir.path() / "real"), fs::directory_iterator()),
             1); // no temporary left beside the target

    // A link to a file not written yet creates that file.
    const fs::path dangling = dir.path() / "out.csv";
    fs::create_symlink("real/out.csv", dangling);
    writeText(dangling, "rows");
    CHECK(fs::is_symlink(dangling));
    CHECK_EQ(contentOf(dir.path() / "real" / "out.csv"), std::string("rows"));

    fs::create_symlink("loop-b", dir.path() / "loop-a");
    fs::create_symlink("loop-a", dir.path() / "loop-b");
    CHECK_THROWS_WITH(writeText(dir.path() / "loop-a", "x"), IoError,
                      "more than 40 symbolic links (a loop?)");
}

TEST_CASE("atomic file: temporaries of a killed writer go; a running writer's stay") {
    const unit::TempDir dir;
    const fs::path target = dir.path() / "train.json";
    const std::string prefix = "." + target.filename().string() + ".tmp-";
    const std::string host = temporaryHostTag() + "-";
    const std::string dead = prefix + host + std::to_string(endedProcess()) + "-123";
    const std::string alive = prefix + host + std::to_string(::getpid()) + "-456";
    // Another machine's (a shared folder), an older name, another file's.
    const std::string elsewhere = prefix + "00000000-" + std::to_string(endedProcess()) + "-7";
    const std::string other = prefix + "notes";
    const std::string longer = prefix + host + std::to_string(endedProcess()) + "-8.tmp-x";
    for (const auto& name : {dead, alive, elsewhere, other, longer}) {
        std::ofstream(dir.path() / name) << "partial";
    }
    fs::create_directory(dir.path() / (prefix + host + std::to_string(endedProcess()) + "-9"));
    CHECK_EQ(staleTemporaries(target.string(), ".tmp-").size(), std::size_t{2});
    writeText(target, "[]");
    CHECK(!fs::exists(dir.path() / dead));
    for (const auto& kept : {alive, elsewhere, other, longer}) {
        CHECK(fs::exists(dir.path() / kept));
    }
    CHECK(staleTemporaries(target.string(), ".tmp-").empty());
    CHECK_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 5);
}
