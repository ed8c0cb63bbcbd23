#!/usr/bin/env bash
# Renders the README's screenshots into docs/img/ with the emulator itself.
#
# Usage: scripts/make-screenshots.sh [TETRIS-NES-BINARY]   (default: target/release/tetris-nes)
#
# legal.png, title.png, game.png: the PPU's frame buffer after N frames from power-on
# (tetris-nes screenshot). window.png: the human-mode window under Xvfb (needs xvfb-run and
# ImageMagick's import), the game after a few scripted moves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN="${1:-target/release/tetris-nes}"
# Start (legal -> title), Start (title -> game type), Start (A-type -> level), Start (level 0).
MENU="268:start,273:start,277:start,282:start"
# Then a few pieces moved and dropped.
MOVES="300:left,304:left,308:left,312:left,320-360:down,380:a,384:right,388:right,392:right,396:right,400-440:down,460:left,464:left,470-510:down,530:right,534:right,540-580:down,600:b,604:left,608:left,612:left,616:left,620:left,630-680:down"

"$BIN" screenshot --frames 60 -o docs/img/legal.png
"$BIN" screenshot --frames 330 --buttons 268:start -o docs/img/title.png
"$BIN" screenshot --frames 720 --buttons "$MENU,$MOVES" -o docs/img/game.png

if command -v xvfb-run >/dev/null && command -v import >/dev/null; then
    xvfb-run -a -s "-screen 0 800x760x24" bash -c "
        SDL_AUDIODRIVER=dummy $BIN --scale 3 --level 5 -S 1 --max-frames 900 \
            --buttons '20-60:left,100:a,104-140:right,200-230:down,300:b,310-340:left' &
        pid=\$!
        sleep 12
        import -window root -crop 768x720+16+20 docs/img/window.png
        wait \$pid"
fi
