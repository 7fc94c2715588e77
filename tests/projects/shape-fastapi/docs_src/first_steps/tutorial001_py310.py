from messages import GREETING  # scripts/test.sh puts docs_src on PYTHONPATH, as the docs run it
from tinyfastapi import TinyFastAPI

app = TinyFastAPI()


@app.get("/")
async def root():
    return GREETING
