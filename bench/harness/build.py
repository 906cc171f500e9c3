"""Release binaries of two git revisions, built side by side outside the developer's tree.

Each revision is exported with `git archive` into a scratch dir (no worktree is
registered in the shared repository, nothing in the developer's tree or target/ is
touched) and built with that revision's own Cargo.toml and release profile. Both builds
share one scratch target dir, so the dependencies compile once and only pgpulse itself
twice. The working tree (uncommitted changes to tracked files) is built from the commit
`git stash create` makes without touching the index or the tree.
"""

import os
import shutil
import subprocess

from .procs import log

WORKTREE = "WORKTREE"


class Revision:
    def __init__(self, spec, commit, tree, describe):
        self.spec = spec  # what the user asked for ("main", "HEAD", WORKTREE)
        self.commit = commit  # the commit built (for WORKTREE: a dangling stash commit)
        self.tree = tree  # its tree id: two specs with one tree build one binary
        self.describe = describe  # for the report: "d30610d" or "d30610d+changes"


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, text=True, capture_output=True).stdout.strip()


def resolve(repo, spec):
    """The commit and tree of `spec`; WORKTREE is the working tree's tracked files."""
    if spec == WORKTREE:
        stash = git(repo, "stash", "create")  # empty when nothing is modified
        commit = stash or git(repo, "rev-parse", "HEAD")
        head = git(repo, "rev-parse", "--short", "HEAD")
        describe = f"{head}+changes" if stash else head
        if git(repo, "ls-files", "--others", "--exclude-standard"):
            log("note: untracked files are not part of the working-tree build (git add them)")
    else:
        commit = git(repo, "rev-parse", "--verify", f"{spec}^{{commit}}")
        describe = git(repo, "rev-parse", "--short", commit)
    tree = git(repo, "rev-parse", f"{commit}^{{tree}}")
    return Revision(spec, commit, tree, describe)


def build(cleanup, repo, rev, scratch, target_dir, out_path):
    """Exports `rev` under `scratch`, builds `pgpulse` in release mode into `target_dir`,
    copies the binary to `out_path`."""
    src = os.path.join(scratch, f"src-{rev.tree[:12]}")
    os.makedirs(src, exist_ok=True)
    archive = cleanup.spawn(["git", "-C", repo, "archive", "--format=tar", rev.commit], stdout=subprocess.PIPE)
    cleanup.run_cmd(["tar", "-x", "-C", src], stdin=archive.stdout, what="git archive | tar")
    archive.stdout.close()
    if archive.wait() != 0:
        raise RuntimeError(f"git archive {rev.commit} failed")
    cleanup.forget(archive.cleanup_token)
    log(f"building {rev.spec} ({rev.describe}) in release mode; the first build compiles the dependencies too")
    cleanup.run_cmd(
        ["cargo", "build", "--release", "--locked", "--bin", "pgpulse", "--target-dir", target_dir],
        cwd=src,
        stdout=None,  # cargo's progress on our stderr: a release build takes minutes
        stderr=None,
        what=f"cargo build of {rev.spec}",
    )
    shutil.copy2(os.path.join(target_dir, "release", "pgpulse"), out_path)
    shutil.rmtree(src, ignore_errors=True)
    return out_path
