// The Hugging Face hub cache on disk, laid out as huggingface_hub writes it, and
// the environment variables that name the Hub, the cache and the token.
#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

// {root}/models--ORG--NAME/blobs/{etag}                    the files' bytes
//                         /snapshots/{commit}/{file}       → ../../blobs/{etag}
//                         /refs/{revision}                 the commit, no newline
namespace issuebert::hubcache {

// $HF_ENDPOINT when set (as huggingface_hub reads it), else https://huggingface.co.
QUrl defaultEndpoint();
// The first of $HF_HUB_CACHE, $HF_HOME/hub, ${XDG_CACHE_HOME:-~/.cache}/huggingface/hub
// (core's huggingFaceCacheRoots(), where the model locator looks first).
QString defaultCacheRoot();
// $HF_TOKEN, else the token `huggingface-cli login` saved ($HF_TOKEN_PATH, else
// $HF_HOME/token, else ${XDG_CACHE_HOME:-~/.cache}/huggingface/token); empty when none.
QString defaultToken();

// Why text is not a model id (ORG/NAME or NAME of letters, digits, '.', '_',
// '-'); empty when it is one.
QString modelIdProblem(const QString& text);
// "ORG/NAME" → "models--ORG--NAME".
QString repoFolderName(const QString& modelId);
// Safe as one path component (a commit hash, an ETag): letters, digits, '.',
// '_', '-', not starting with '.'.
bool isSafeName(const QString& text);
// A branch, a tag or a commit: safe names joined by '/' ("refs/pr/1").
bool isRevision(const QString& text);
// The blob's name for an ETag header: huggingface_hub drops W/ and the quotes.
QString blobName(const QByteArray& etag);

// repoDir/snapshots/commit/file → ../../blobs/blob, replacing what was there; a
// copy of the blob where symlinks cannot be made (as huggingface_hub does on
// Windows without developer mode). Empty when done, else the message.
QString linkIntoSnapshot(const QString& repoDir, const QString& commit, const QString& file,
                         const QString& blob);
// repoDir/refs/revision holds commit. Empty when done, else the message.
QString writeRef(const QString& repoDir, const QString& revision, const QString& commit);

} // namespace issuebert::hubcache
