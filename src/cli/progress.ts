import { SingleBar } from 'cli-progress';

/** A progress bar on stderr for account backfills, when stderr is a terminal. */
export function progressBar() {
  let bar: SingleBar | undefined;
  return {
    onProgress: (p: { posts: number; total: number | null; pages: number }) => {
      if (!process.stderr.isTTY) return;
      if (!bar) {
        bar = new SingleBar({
          format: 'backfill [{bar}] {value}/{total} posts · {pages} pages',
          stream: process.stderr,
          hideCursor: true,
        });
        bar.start(p.total ?? p.posts, p.posts, { pages: p.pages });
      }
      if (p.total === null || p.posts > p.total) bar.setTotal(p.posts);
      bar.update(p.posts, { pages: p.pages });
    },
    stop: () => bar?.stop(),
  };
}
