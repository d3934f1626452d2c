// The Mastodon, Bluesky and helper fakes live in src/demo/platforms (the demo serves them too).
export * from '../../src/demo/platforms/listen.ts';
