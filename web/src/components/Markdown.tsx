// Merchant-written Markdown (usage instructions, descriptions), rendered without raw HTML:
// tags in the source are dropped, and react-markdown's URL filter removes javascript: links.
import ReactMarkdown, { type Components } from "react-markdown";

const components: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  // Images would let a merchant's text load anything: show their alt text as a link instead.
  img: ({ src, alt }) =>
    typeof src === "string" && src ? (
      <a href={src} target="_blank" rel="noopener noreferrer">
        {alt || src}
      </a>
    ) : null,
};

export function Markdown({ source, className }: { source: string | null | undefined; className?: string }) {
  if (!source) return null;
  return (
    <div className={className ? `markdown ${className}` : "markdown"}>
      <ReactMarkdown skipHtml components={components}>
        {source}
      </ReactMarkdown>
    </div>
  );
}
