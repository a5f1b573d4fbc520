"""Build the default pipeline directory from the shipped segmentation model.

    python -m lawreport.training.build --pkuseg build/pkuseg -o models/lawreport_zh

The rule-based components need no training; the statistical ones are added
by their own training commands on top of this skeleton.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from ..pipeline import create_pipeline


def build(pkuseg_model: Path, output: Path, *, overwrite: bool = False) -> Path:
    """Write the skeleton pipeline to ``output`` atomically (temp dir, then rename)."""
    if output.exists() and not overwrite:
        raise FileExistsError(f"{output} exists; pass --overwrite to replace it")
    nlp = create_pipeline(pkuseg_model)
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=output.parent))
    nlp.to_disk(staging)
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    return output


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pkuseg", type=Path, default=Path("build/pkuseg"), help="trained spacy-pkuseg model dir")
    parser.add_argument("-o", "--output", type=Path, default=Path("models/lawreport_zh"))
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    print(f"wrote {build(args.pkuseg, args.output, overwrite=args.overwrite)}")


if __name__ == "__main__":
    main()
