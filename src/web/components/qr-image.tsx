/** The server's QR code SVG shown as an image (a data: URL, never innerHTML,
 * so no markup from the answer ever enters the page's DOM). */
export function QrImage({ svg, alt }: { svg: string; alt: string }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  return <img className="qr" src={src} alt={alt} width={220} height={220} />;
}
