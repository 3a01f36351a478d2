// The part of @marp-team/marp-core that render.ts uses. The package publishes its
// types only through "exports", which this repository's moduleResolution ("node",
// for the stages) does not read; at run time Node finds the package as usual.
declare module '@marp-team/marp-core' {
  export interface MarpOptions {
    html?: boolean;
    math?: boolean;
    emoji?: { shortcode?: boolean; unicode?: boolean };
    script?: boolean | { source?: 'inline' | 'cdn' };
  }
  export class Marp {
    constructor(options?: MarpOptions);
    readonly themeSet: { add(css: string): unknown };
    render(markdown: string): { html: string; css: string; comments: string[][] };
  }
}
