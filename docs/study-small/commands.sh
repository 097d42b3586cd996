#!/bin/sh
# the steps of: python cli.py reproduce --scale small --out results/small
set -e
python cli.py train --variant denoiser --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/denoiser/run_b --force
python cli.py trajectories results/small/uniform/n1/denoiser/run_a --out results/small/uniform/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1/denoiser/run_b --out results/small/uniform/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1/denoiser/traj_a.h5 results/small/uniform/n1/denoiser/traj_b.h5 --json results/small/uniform/n1/denoiser/diverge.json
python cli.py quality results/small/uniform/n1/denoiser/traj_a.h5 --json results/small/uniform/n1/denoiser/quality.json
python cli.py attractors results/small/uniform/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1/denoiser/attractors.json
python cli.py score-error results/small/uniform/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1/denoiser/score_error.json --plot results/small/uniform/n1/denoiser/score_field.png
python cli.py train --variant denoiser --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/uniform/n1/denoiser/run_a2 --out results/small/uniform/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1/denoiser/run_a results/small/uniform/n1/denoiser/traj_a.h5 results/small/uniform/n1/denoiser/traj_b.h5 --floor results/small/uniform/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1/denoiser/controls.json
python cli.py train --variant ncsn --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/ncsn/run_b --force
python cli.py trajectories results/small/uniform/n1/ncsn/run_a --out results/small/uniform/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1/ncsn/run_b --out results/small/uniform/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1/ncsn/traj_a.h5 results/small/uniform/n1/ncsn/traj_b.h5 --json results/small/uniform/n1/ncsn/diverge.json
python cli.py quality results/small/uniform/n1/ncsn/traj_a.h5 --json results/small/uniform/n1/ncsn/quality.json
python cli.py attractors results/small/uniform/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1/ncsn/attractors.json
python cli.py score-error results/small/uniform/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1/ncsn/score_error.json --plot results/small/uniform/n1/ncsn/score_field.png
python cli.py train --variant ncsn --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/uniform/n1/ncsn/run_a2 --out results/small/uniform/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1/ncsn/run_a results/small/uniform/n1/ncsn/traj_a.h5 results/small/uniform/n1/ncsn/traj_b.h5 --floor results/small/uniform/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1/ncsn/controls.json
python cli.py train --variant ssm --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1/ssm/run_b --force
python cli.py trajectories results/small/uniform/n1/ssm/run_a --out results/small/uniform/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1/ssm/run_b --out results/small/uniform/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1/ssm/traj_a.h5 results/small/uniform/n1/ssm/traj_b.h5 --json results/small/uniform/n1/ssm/diverge.json
python cli.py quality results/small/uniform/n1/ssm/traj_a.h5 --json results/small/uniform/n1/ssm/quality.json
python cli.py attractors results/small/uniform/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1/ssm/attractors.json
python cli.py score-error results/small/uniform/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1/ssm/score_error.json --plot results/small/uniform/n1/ssm/score_field.png
python cli.py train --variant ssm --data uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1/ssm/run_a2 --force
python cli.py trajectories results/small/uniform/n1/ssm/run_a2 --out results/small/uniform/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1/ssm/run_a results/small/uniform/n1/ssm/traj_a.h5 results/small/uniform/n1/ssm/traj_b.h5 --floor results/small/uniform/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1/ssm/controls.json
python cli.py train --variant denoiser --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/denoiser/run_b --force
python cli.py trajectories results/small/uniform/n10/denoiser/run_a --out results/small/uniform/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n10/denoiser/run_b --out results/small/uniform/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n10/denoiser/traj_a.h5 results/small/uniform/n10/denoiser/traj_b.h5 --json results/small/uniform/n10/denoiser/diverge.json
python cli.py quality results/small/uniform/n10/denoiser/traj_a.h5 --json results/small/uniform/n10/denoiser/quality.json
python cli.py attractors results/small/uniform/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n10/denoiser/attractors.json
python cli.py score-error results/small/uniform/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n10/denoiser/score_error.json --plot results/small/uniform/n10/denoiser/score_field.png
python cli.py train --variant denoiser --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/uniform/n10/denoiser/run_a2 --out results/small/uniform/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n10/denoiser/run_a results/small/uniform/n10/denoiser/traj_a.h5 results/small/uniform/n10/denoiser/traj_b.h5 --floor results/small/uniform/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n10/denoiser/controls.json
python cli.py train --variant ncsn --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/ncsn/run_b --force
python cli.py trajectories results/small/uniform/n10/ncsn/run_a --out results/small/uniform/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n10/ncsn/run_b --out results/small/uniform/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n10/ncsn/traj_a.h5 results/small/uniform/n10/ncsn/traj_b.h5 --json results/small/uniform/n10/ncsn/diverge.json
python cli.py quality results/small/uniform/n10/ncsn/traj_a.h5 --json results/small/uniform/n10/ncsn/quality.json
python cli.py attractors results/small/uniform/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n10/ncsn/attractors.json
python cli.py score-error results/small/uniform/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n10/ncsn/score_error.json --plot results/small/uniform/n10/ncsn/score_field.png
python cli.py train --variant ncsn --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/uniform/n10/ncsn/run_a2 --out results/small/uniform/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n10/ncsn/run_a results/small/uniform/n10/ncsn/traj_a.h5 results/small/uniform/n10/ncsn/traj_b.h5 --floor results/small/uniform/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n10/ncsn/controls.json
python cli.py train --variant ssm --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n10/ssm/run_b --force
python cli.py trajectories results/small/uniform/n10/ssm/run_a --out results/small/uniform/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n10/ssm/run_b --out results/small/uniform/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n10/ssm/traj_a.h5 results/small/uniform/n10/ssm/traj_b.h5 --json results/small/uniform/n10/ssm/diverge.json
python cli.py quality results/small/uniform/n10/ssm/traj_a.h5 --json results/small/uniform/n10/ssm/quality.json
python cli.py attractors results/small/uniform/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n10/ssm/attractors.json
python cli.py score-error results/small/uniform/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n10/ssm/score_error.json --plot results/small/uniform/n10/ssm/score_field.png
python cli.py train --variant ssm --data uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n10/ssm/run_a2 --force
python cli.py trajectories results/small/uniform/n10/ssm/run_a2 --out results/small/uniform/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n10/ssm/run_a results/small/uniform/n10/ssm/traj_a.h5 results/small/uniform/n10/ssm/traj_b.h5 --floor results/small/uniform/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n10/ssm/controls.json
python cli.py train --variant denoiser --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/denoiser/run_b --force
python cli.py trajectories results/small/uniform/n100/denoiser/run_a --out results/small/uniform/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n100/denoiser/run_b --out results/small/uniform/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n100/denoiser/traj_a.h5 results/small/uniform/n100/denoiser/traj_b.h5 --json results/small/uniform/n100/denoiser/diverge.json
python cli.py quality results/small/uniform/n100/denoiser/traj_a.h5 --json results/small/uniform/n100/denoiser/quality.json
python cli.py attractors results/small/uniform/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n100/denoiser/attractors.json
python cli.py score-error results/small/uniform/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n100/denoiser/score_error.json --plot results/small/uniform/n100/denoiser/score_field.png
python cli.py train --variant denoiser --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/uniform/n100/denoiser/run_a2 --out results/small/uniform/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n100/denoiser/run_a results/small/uniform/n100/denoiser/traj_a.h5 results/small/uniform/n100/denoiser/traj_b.h5 --floor results/small/uniform/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n100/denoiser/controls.json
python cli.py train --variant ncsn --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/ncsn/run_b --force
python cli.py trajectories results/small/uniform/n100/ncsn/run_a --out results/small/uniform/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n100/ncsn/run_b --out results/small/uniform/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n100/ncsn/traj_a.h5 results/small/uniform/n100/ncsn/traj_b.h5 --json results/small/uniform/n100/ncsn/diverge.json
python cli.py quality results/small/uniform/n100/ncsn/traj_a.h5 --json results/small/uniform/n100/ncsn/quality.json
python cli.py attractors results/small/uniform/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n100/ncsn/attractors.json
python cli.py score-error results/small/uniform/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n100/ncsn/score_error.json --plot results/small/uniform/n100/ncsn/score_field.png
python cli.py train --variant ncsn --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/uniform/n100/ncsn/run_a2 --out results/small/uniform/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n100/ncsn/run_a results/small/uniform/n100/ncsn/traj_a.h5 results/small/uniform/n100/ncsn/traj_b.h5 --floor results/small/uniform/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n100/ncsn/controls.json
python cli.py train --variant ssm --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n100/ssm/run_b --force
python cli.py trajectories results/small/uniform/n100/ssm/run_a --out results/small/uniform/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n100/ssm/run_b --out results/small/uniform/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n100/ssm/traj_a.h5 results/small/uniform/n100/ssm/traj_b.h5 --json results/small/uniform/n100/ssm/diverge.json
python cli.py quality results/small/uniform/n100/ssm/traj_a.h5 --json results/small/uniform/n100/ssm/quality.json
python cli.py attractors results/small/uniform/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n100/ssm/attractors.json
python cli.py score-error results/small/uniform/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n100/ssm/score_error.json --plot results/small/uniform/n100/ssm/score_field.png
python cli.py train --variant ssm --data uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n100/ssm/run_a2 --force
python cli.py trajectories results/small/uniform/n100/ssm/run_a2 --out results/small/uniform/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n100/ssm/run_a results/small/uniform/n100/ssm/traj_a.h5 results/small/uniform/n100/ssm/traj_b.h5 --floor results/small/uniform/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n100/ssm/controls.json
python cli.py train --variant denoiser --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/denoiser/run_b --force
python cli.py trajectories results/small/uniform/n1000/denoiser/run_a --out results/small/uniform/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1000/denoiser/run_b --out results/small/uniform/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1000/denoiser/traj_a.h5 results/small/uniform/n1000/denoiser/traj_b.h5 --json results/small/uniform/n1000/denoiser/diverge.json
python cli.py quality results/small/uniform/n1000/denoiser/traj_a.h5 --json results/small/uniform/n1000/denoiser/quality.json
python cli.py attractors results/small/uniform/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1000/denoiser/attractors.json
python cli.py score-error results/small/uniform/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1000/denoiser/score_error.json --plot results/small/uniform/n1000/denoiser/score_field.png
python cli.py train --variant denoiser --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/uniform/n1000/denoiser/run_a2 --out results/small/uniform/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1000/denoiser/run_a results/small/uniform/n1000/denoiser/traj_a.h5 results/small/uniform/n1000/denoiser/traj_b.h5 --floor results/small/uniform/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/ncsn/run_b --force
python cli.py trajectories results/small/uniform/n1000/ncsn/run_a --out results/small/uniform/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1000/ncsn/run_b --out results/small/uniform/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1000/ncsn/traj_a.h5 results/small/uniform/n1000/ncsn/traj_b.h5 --json results/small/uniform/n1000/ncsn/diverge.json
python cli.py quality results/small/uniform/n1000/ncsn/traj_a.h5 --json results/small/uniform/n1000/ncsn/quality.json
python cli.py attractors results/small/uniform/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1000/ncsn/attractors.json
python cli.py score-error results/small/uniform/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1000/ncsn/score_error.json --plot results/small/uniform/n1000/ncsn/score_field.png
python cli.py train --variant ncsn --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/uniform/n1000/ncsn/run_a2 --out results/small/uniform/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1000/ncsn/run_a results/small/uniform/n1000/ncsn/traj_a.h5 results/small/uniform/n1000/ncsn/traj_b.h5 --floor results/small/uniform/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1000/ncsn/controls.json
python cli.py train --variant ssm --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/uniform/n1000/ssm/run_b --force
python cli.py trajectories results/small/uniform/n1000/ssm/run_a --out results/small/uniform/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/uniform/n1000/ssm/run_b --out results/small/uniform/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/uniform/n1000/ssm/traj_a.h5 results/small/uniform/n1000/ssm/traj_b.h5 --json results/small/uniform/n1000/ssm/diverge.json
python cli.py quality results/small/uniform/n1000/ssm/traj_a.h5 --json results/small/uniform/n1000/ssm/quality.json
python cli.py attractors results/small/uniform/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/uniform/n1000/ssm/attractors.json
python cli.py score-error results/small/uniform/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/uniform/n1000/ssm/score_error.json --plot results/small/uniform/n1000/ssm/score_field.png
python cli.py train --variant ssm --data uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/uniform/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/uniform/n1000/ssm/run_a2 --out results/small/uniform/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/uniform/n1000/ssm/run_a results/small/uniform/n1000/ssm/traj_a.h5 results/small/uniform/n1000/ssm/traj_b.h5 --floor results/small/uniform/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/uniform/n1000/ssm/controls.json
python cli.py train --variant denoiser --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/denoiser/run_b --force
python cli.py trajectories results/small/sharpcov/n1/denoiser/run_a --out results/small/sharpcov/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1/denoiser/run_b --out results/small/sharpcov/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1/denoiser/traj_a.h5 results/small/sharpcov/n1/denoiser/traj_b.h5 --json results/small/sharpcov/n1/denoiser/diverge.json
python cli.py quality results/small/sharpcov/n1/denoiser/traj_a.h5 --json results/small/sharpcov/n1/denoiser/quality.json
python cli.py attractors results/small/sharpcov/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1/denoiser/attractors.json
python cli.py score-error results/small/sharpcov/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1/denoiser/score_error.json --plot results/small/sharpcov/n1/denoiser/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1/denoiser/run_a2 --out results/small/sharpcov/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1/denoiser/run_a results/small/sharpcov/n1/denoiser/traj_a.h5 results/small/sharpcov/n1/denoiser/traj_b.h5 --floor results/small/sharpcov/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1/denoiser/controls.json
python cli.py train --variant ncsn --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/ncsn/run_b --force
python cli.py trajectories results/small/sharpcov/n1/ncsn/run_a --out results/small/sharpcov/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1/ncsn/run_b --out results/small/sharpcov/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1/ncsn/traj_a.h5 results/small/sharpcov/n1/ncsn/traj_b.h5 --json results/small/sharpcov/n1/ncsn/diverge.json
python cli.py quality results/small/sharpcov/n1/ncsn/traj_a.h5 --json results/small/sharpcov/n1/ncsn/quality.json
python cli.py attractors results/small/sharpcov/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1/ncsn/attractors.json
python cli.py score-error results/small/sharpcov/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1/ncsn/score_error.json --plot results/small/sharpcov/n1/ncsn/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1/ncsn/run_a2 --out results/small/sharpcov/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1/ncsn/run_a results/small/sharpcov/n1/ncsn/traj_a.h5 results/small/sharpcov/n1/ncsn/traj_b.h5 --floor results/small/sharpcov/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1/ncsn/controls.json
python cli.py train --variant ssm --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1/ssm/run_b --force
python cli.py trajectories results/small/sharpcov/n1/ssm/run_a --out results/small/sharpcov/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1/ssm/run_b --out results/small/sharpcov/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1/ssm/traj_a.h5 results/small/sharpcov/n1/ssm/traj_b.h5 --json results/small/sharpcov/n1/ssm/diverge.json
python cli.py quality results/small/sharpcov/n1/ssm/traj_a.h5 --json results/small/sharpcov/n1/ssm/quality.json
python cli.py attractors results/small/sharpcov/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1/ssm/attractors.json
python cli.py score-error results/small/sharpcov/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1/ssm/score_error.json --plot results/small/sharpcov/n1/ssm/score_field.png
python cli.py train --variant ssm --data sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1/ssm/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1/ssm/run_a2 --out results/small/sharpcov/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1/ssm/run_a results/small/sharpcov/n1/ssm/traj_a.h5 results/small/sharpcov/n1/ssm/traj_b.h5 --floor results/small/sharpcov/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1/ssm/controls.json
python cli.py train --variant denoiser --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/denoiser/run_b --force
python cli.py trajectories results/small/sharpcov/n10/denoiser/run_a --out results/small/sharpcov/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n10/denoiser/run_b --out results/small/sharpcov/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n10/denoiser/traj_a.h5 results/small/sharpcov/n10/denoiser/traj_b.h5 --json results/small/sharpcov/n10/denoiser/diverge.json
python cli.py quality results/small/sharpcov/n10/denoiser/traj_a.h5 --json results/small/sharpcov/n10/denoiser/quality.json
python cli.py attractors results/small/sharpcov/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n10/denoiser/attractors.json
python cli.py score-error results/small/sharpcov/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n10/denoiser/score_error.json --plot results/small/sharpcov/n10/denoiser/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/sharpcov/n10/denoiser/run_a2 --out results/small/sharpcov/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n10/denoiser/run_a results/small/sharpcov/n10/denoiser/traj_a.h5 results/small/sharpcov/n10/denoiser/traj_b.h5 --floor results/small/sharpcov/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n10/denoiser/controls.json
python cli.py train --variant ncsn --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/ncsn/run_b --force
python cli.py trajectories results/small/sharpcov/n10/ncsn/run_a --out results/small/sharpcov/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n10/ncsn/run_b --out results/small/sharpcov/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n10/ncsn/traj_a.h5 results/small/sharpcov/n10/ncsn/traj_b.h5 --json results/small/sharpcov/n10/ncsn/diverge.json
python cli.py quality results/small/sharpcov/n10/ncsn/traj_a.h5 --json results/small/sharpcov/n10/ncsn/quality.json
python cli.py attractors results/small/sharpcov/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n10/ncsn/attractors.json
python cli.py score-error results/small/sharpcov/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n10/ncsn/score_error.json --plot results/small/sharpcov/n10/ncsn/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/sharpcov/n10/ncsn/run_a2 --out results/small/sharpcov/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n10/ncsn/run_a results/small/sharpcov/n10/ncsn/traj_a.h5 results/small/sharpcov/n10/ncsn/traj_b.h5 --floor results/small/sharpcov/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n10/ncsn/controls.json
python cli.py train --variant ssm --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n10/ssm/run_b --force
python cli.py trajectories results/small/sharpcov/n10/ssm/run_a --out results/small/sharpcov/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n10/ssm/run_b --out results/small/sharpcov/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n10/ssm/traj_a.h5 results/small/sharpcov/n10/ssm/traj_b.h5 --json results/small/sharpcov/n10/ssm/diverge.json
python cli.py quality results/small/sharpcov/n10/ssm/traj_a.h5 --json results/small/sharpcov/n10/ssm/quality.json
python cli.py attractors results/small/sharpcov/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n10/ssm/attractors.json
python cli.py score-error results/small/sharpcov/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n10/ssm/score_error.json --plot results/small/sharpcov/n10/ssm/score_field.png
python cli.py train --variant ssm --data sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n10/ssm/run_a2 --force
python cli.py trajectories results/small/sharpcov/n10/ssm/run_a2 --out results/small/sharpcov/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n10/ssm/run_a results/small/sharpcov/n10/ssm/traj_a.h5 results/small/sharpcov/n10/ssm/traj_b.h5 --floor results/small/sharpcov/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n10/ssm/controls.json
python cli.py train --variant denoiser --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/denoiser/run_b --force
python cli.py trajectories results/small/sharpcov/n100/denoiser/run_a --out results/small/sharpcov/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n100/denoiser/run_b --out results/small/sharpcov/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n100/denoiser/traj_a.h5 results/small/sharpcov/n100/denoiser/traj_b.h5 --json results/small/sharpcov/n100/denoiser/diverge.json
python cli.py quality results/small/sharpcov/n100/denoiser/traj_a.h5 --json results/small/sharpcov/n100/denoiser/quality.json
python cli.py attractors results/small/sharpcov/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n100/denoiser/attractors.json
python cli.py score-error results/small/sharpcov/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n100/denoiser/score_error.json --plot results/small/sharpcov/n100/denoiser/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/sharpcov/n100/denoiser/run_a2 --out results/small/sharpcov/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n100/denoiser/run_a results/small/sharpcov/n100/denoiser/traj_a.h5 results/small/sharpcov/n100/denoiser/traj_b.h5 --floor results/small/sharpcov/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n100/denoiser/controls.json
python cli.py train --variant ncsn --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/ncsn/run_b --force
python cli.py trajectories results/small/sharpcov/n100/ncsn/run_a --out results/small/sharpcov/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n100/ncsn/run_b --out results/small/sharpcov/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n100/ncsn/traj_a.h5 results/small/sharpcov/n100/ncsn/traj_b.h5 --json results/small/sharpcov/n100/ncsn/diverge.json
python cli.py quality results/small/sharpcov/n100/ncsn/traj_a.h5 --json results/small/sharpcov/n100/ncsn/quality.json
python cli.py attractors results/small/sharpcov/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n100/ncsn/attractors.json
python cli.py score-error results/small/sharpcov/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n100/ncsn/score_error.json --plot results/small/sharpcov/n100/ncsn/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/sharpcov/n100/ncsn/run_a2 --out results/small/sharpcov/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n100/ncsn/run_a results/small/sharpcov/n100/ncsn/traj_a.h5 results/small/sharpcov/n100/ncsn/traj_b.h5 --floor results/small/sharpcov/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n100/ncsn/controls.json
python cli.py train --variant ssm --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n100/ssm/run_b --force
python cli.py trajectories results/small/sharpcov/n100/ssm/run_a --out results/small/sharpcov/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n100/ssm/run_b --out results/small/sharpcov/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n100/ssm/traj_a.h5 results/small/sharpcov/n100/ssm/traj_b.h5 --json results/small/sharpcov/n100/ssm/diverge.json
python cli.py quality results/small/sharpcov/n100/ssm/traj_a.h5 --json results/small/sharpcov/n100/ssm/quality.json
python cli.py attractors results/small/sharpcov/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n100/ssm/attractors.json
python cli.py score-error results/small/sharpcov/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n100/ssm/score_error.json --plot results/small/sharpcov/n100/ssm/score_field.png
python cli.py train --variant ssm --data sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n100/ssm/run_a2 --force
python cli.py trajectories results/small/sharpcov/n100/ssm/run_a2 --out results/small/sharpcov/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n100/ssm/run_a results/small/sharpcov/n100/ssm/traj_a.h5 results/small/sharpcov/n100/ssm/traj_b.h5 --floor results/small/sharpcov/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n100/ssm/controls.json
python cli.py train --variant denoiser --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/denoiser/run_b --force
python cli.py trajectories results/small/sharpcov/n1000/denoiser/run_a --out results/small/sharpcov/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1000/denoiser/run_b --out results/small/sharpcov/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1000/denoiser/traj_a.h5 results/small/sharpcov/n1000/denoiser/traj_b.h5 --json results/small/sharpcov/n1000/denoiser/diverge.json
python cli.py quality results/small/sharpcov/n1000/denoiser/traj_a.h5 --json results/small/sharpcov/n1000/denoiser/quality.json
python cli.py attractors results/small/sharpcov/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1000/denoiser/attractors.json
python cli.py score-error results/small/sharpcov/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1000/denoiser/score_error.json --plot results/small/sharpcov/n1000/denoiser/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1000/denoiser/run_a2 --out results/small/sharpcov/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1000/denoiser/run_a results/small/sharpcov/n1000/denoiser/traj_a.h5 results/small/sharpcov/n1000/denoiser/traj_b.h5 --floor results/small/sharpcov/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/ncsn/run_b --force
python cli.py trajectories results/small/sharpcov/n1000/ncsn/run_a --out results/small/sharpcov/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1000/ncsn/run_b --out results/small/sharpcov/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1000/ncsn/traj_a.h5 results/small/sharpcov/n1000/ncsn/traj_b.h5 --json results/small/sharpcov/n1000/ncsn/diverge.json
python cli.py quality results/small/sharpcov/n1000/ncsn/traj_a.h5 --json results/small/sharpcov/n1000/ncsn/quality.json
python cli.py attractors results/small/sharpcov/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1000/ncsn/attractors.json
python cli.py score-error results/small/sharpcov/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1000/ncsn/score_error.json --plot results/small/sharpcov/n1000/ncsn/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1000/ncsn/run_a2 --out results/small/sharpcov/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1000/ncsn/run_a results/small/sharpcov/n1000/ncsn/traj_a.h5 results/small/sharpcov/n1000/ncsn/traj_b.h5 --floor results/small/sharpcov/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1000/ncsn/controls.json
python cli.py train --variant ssm --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/sharpcov/n1000/ssm/run_b --force
python cli.py trajectories results/small/sharpcov/n1000/ssm/run_a --out results/small/sharpcov/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/sharpcov/n1000/ssm/run_b --out results/small/sharpcov/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/sharpcov/n1000/ssm/traj_a.h5 results/small/sharpcov/n1000/ssm/traj_b.h5 --json results/small/sharpcov/n1000/ssm/diverge.json
python cli.py quality results/small/sharpcov/n1000/ssm/traj_a.h5 --json results/small/sharpcov/n1000/ssm/quality.json
python cli.py attractors results/small/sharpcov/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/sharpcov/n1000/ssm/attractors.json
python cli.py score-error results/small/sharpcov/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/sharpcov/n1000/ssm/score_error.json --plot results/small/sharpcov/n1000/ssm/score_field.png
python cli.py train --variant ssm --data sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/sharpcov/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/sharpcov/n1000/ssm/run_a2 --out results/small/sharpcov/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/sharpcov/n1000/ssm/run_a results/small/sharpcov/n1000/ssm/traj_a.h5 results/small/sharpcov/n1000/ssm/traj_b.h5 --floor results/small/sharpcov/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/sharpcov/n1000/ssm/controls.json
python cli.py train --variant denoiser --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/denoiser/run_b --force
python cli.py trajectories results/small/spiral/n1/denoiser/run_a --out results/small/spiral/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1/denoiser/run_b --out results/small/spiral/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1/denoiser/traj_a.h5 results/small/spiral/n1/denoiser/traj_b.h5 --json results/small/spiral/n1/denoiser/diverge.json
python cli.py quality results/small/spiral/n1/denoiser/traj_a.h5 --json results/small/spiral/n1/denoiser/quality.json
python cli.py attractors results/small/spiral/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1/denoiser/attractors.json
python cli.py score-error results/small/spiral/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1/denoiser/score_error.json --plot results/small/spiral/n1/denoiser/score_field.png
python cli.py train --variant denoiser --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/spiral/n1/denoiser/run_a2 --out results/small/spiral/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1/denoiser/run_a results/small/spiral/n1/denoiser/traj_a.h5 results/small/spiral/n1/denoiser/traj_b.h5 --floor results/small/spiral/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1/denoiser/controls.json
python cli.py train --variant ncsn --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/ncsn/run_b --force
python cli.py trajectories results/small/spiral/n1/ncsn/run_a --out results/small/spiral/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1/ncsn/run_b --out results/small/spiral/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1/ncsn/traj_a.h5 results/small/spiral/n1/ncsn/traj_b.h5 --json results/small/spiral/n1/ncsn/diverge.json
python cli.py quality results/small/spiral/n1/ncsn/traj_a.h5 --json results/small/spiral/n1/ncsn/quality.json
python cli.py attractors results/small/spiral/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1/ncsn/attractors.json
python cli.py score-error results/small/spiral/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1/ncsn/score_error.json --plot results/small/spiral/n1/ncsn/score_field.png
python cli.py train --variant ncsn --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/spiral/n1/ncsn/run_a2 --out results/small/spiral/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1/ncsn/run_a results/small/spiral/n1/ncsn/traj_a.h5 results/small/spiral/n1/ncsn/traj_b.h5 --floor results/small/spiral/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1/ncsn/controls.json
python cli.py train --variant ssm --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1/ssm/run_b --force
python cli.py trajectories results/small/spiral/n1/ssm/run_a --out results/small/spiral/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1/ssm/run_b --out results/small/spiral/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1/ssm/traj_a.h5 results/small/spiral/n1/ssm/traj_b.h5 --json results/small/spiral/n1/ssm/diverge.json
python cli.py quality results/small/spiral/n1/ssm/traj_a.h5 --json results/small/spiral/n1/ssm/quality.json
python cli.py attractors results/small/spiral/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1/ssm/attractors.json
python cli.py score-error results/small/spiral/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1/ssm/score_error.json --plot results/small/spiral/n1/ssm/score_field.png
python cli.py train --variant ssm --data spiral --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1/ssm/run_a2 --force
python cli.py trajectories results/small/spiral/n1/ssm/run_a2 --out results/small/spiral/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1/ssm/run_a results/small/spiral/n1/ssm/traj_a.h5 results/small/spiral/n1/ssm/traj_b.h5 --floor results/small/spiral/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1/ssm/controls.json
python cli.py train --variant denoiser --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/denoiser/run_b --force
python cli.py trajectories results/small/spiral/n10/denoiser/run_a --out results/small/spiral/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n10/denoiser/run_b --out results/small/spiral/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n10/denoiser/traj_a.h5 results/small/spiral/n10/denoiser/traj_b.h5 --json results/small/spiral/n10/denoiser/diverge.json
python cli.py quality results/small/spiral/n10/denoiser/traj_a.h5 --json results/small/spiral/n10/denoiser/quality.json
python cli.py attractors results/small/spiral/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n10/denoiser/attractors.json
python cli.py score-error results/small/spiral/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n10/denoiser/score_error.json --plot results/small/spiral/n10/denoiser/score_field.png
python cli.py train --variant denoiser --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/spiral/n10/denoiser/run_a2 --out results/small/spiral/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n10/denoiser/run_a results/small/spiral/n10/denoiser/traj_a.h5 results/small/spiral/n10/denoiser/traj_b.h5 --floor results/small/spiral/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n10/denoiser/controls.json
python cli.py train --variant ncsn --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/ncsn/run_b --force
python cli.py trajectories results/small/spiral/n10/ncsn/run_a --out results/small/spiral/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n10/ncsn/run_b --out results/small/spiral/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n10/ncsn/traj_a.h5 results/small/spiral/n10/ncsn/traj_b.h5 --json results/small/spiral/n10/ncsn/diverge.json
python cli.py quality results/small/spiral/n10/ncsn/traj_a.h5 --json results/small/spiral/n10/ncsn/quality.json
python cli.py attractors results/small/spiral/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n10/ncsn/attractors.json
python cli.py score-error results/small/spiral/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n10/ncsn/score_error.json --plot results/small/spiral/n10/ncsn/score_field.png
python cli.py train --variant ncsn --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/spiral/n10/ncsn/run_a2 --out results/small/spiral/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n10/ncsn/run_a results/small/spiral/n10/ncsn/traj_a.h5 results/small/spiral/n10/ncsn/traj_b.h5 --floor results/small/spiral/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n10/ncsn/controls.json
python cli.py train --variant ssm --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n10/ssm/run_b --force
python cli.py trajectories results/small/spiral/n10/ssm/run_a --out results/small/spiral/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n10/ssm/run_b --out results/small/spiral/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n10/ssm/traj_a.h5 results/small/spiral/n10/ssm/traj_b.h5 --json results/small/spiral/n10/ssm/diverge.json
python cli.py quality results/small/spiral/n10/ssm/traj_a.h5 --json results/small/spiral/n10/ssm/quality.json
python cli.py attractors results/small/spiral/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n10/ssm/attractors.json
python cli.py score-error results/small/spiral/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n10/ssm/score_error.json --plot results/small/spiral/n10/ssm/score_field.png
python cli.py train --variant ssm --data spiral --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n10/ssm/run_a2 --force
python cli.py trajectories results/small/spiral/n10/ssm/run_a2 --out results/small/spiral/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n10/ssm/run_a results/small/spiral/n10/ssm/traj_a.h5 results/small/spiral/n10/ssm/traj_b.h5 --floor results/small/spiral/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n10/ssm/controls.json
python cli.py train --variant denoiser --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/denoiser/run_b --force
python cli.py trajectories results/small/spiral/n100/denoiser/run_a --out results/small/spiral/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n100/denoiser/run_b --out results/small/spiral/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n100/denoiser/traj_a.h5 results/small/spiral/n100/denoiser/traj_b.h5 --json results/small/spiral/n100/denoiser/diverge.json
python cli.py quality results/small/spiral/n100/denoiser/traj_a.h5 --json results/small/spiral/n100/denoiser/quality.json
python cli.py attractors results/small/spiral/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n100/denoiser/attractors.json
python cli.py score-error results/small/spiral/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n100/denoiser/score_error.json --plot results/small/spiral/n100/denoiser/score_field.png
python cli.py train --variant denoiser --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/spiral/n100/denoiser/run_a2 --out results/small/spiral/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n100/denoiser/run_a results/small/spiral/n100/denoiser/traj_a.h5 results/small/spiral/n100/denoiser/traj_b.h5 --floor results/small/spiral/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n100/denoiser/controls.json
python cli.py train --variant ncsn --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/ncsn/run_b --force
python cli.py trajectories results/small/spiral/n100/ncsn/run_a --out results/small/spiral/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n100/ncsn/run_b --out results/small/spiral/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n100/ncsn/traj_a.h5 results/small/spiral/n100/ncsn/traj_b.h5 --json results/small/spiral/n100/ncsn/diverge.json
python cli.py quality results/small/spiral/n100/ncsn/traj_a.h5 --json results/small/spiral/n100/ncsn/quality.json
python cli.py attractors results/small/spiral/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n100/ncsn/attractors.json
python cli.py score-error results/small/spiral/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n100/ncsn/score_error.json --plot results/small/spiral/n100/ncsn/score_field.png
python cli.py train --variant ncsn --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/spiral/n100/ncsn/run_a2 --out results/small/spiral/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n100/ncsn/run_a results/small/spiral/n100/ncsn/traj_a.h5 results/small/spiral/n100/ncsn/traj_b.h5 --floor results/small/spiral/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n100/ncsn/controls.json
python cli.py train --variant ssm --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n100/ssm/run_b --force
python cli.py trajectories results/small/spiral/n100/ssm/run_a --out results/small/spiral/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n100/ssm/run_b --out results/small/spiral/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n100/ssm/traj_a.h5 results/small/spiral/n100/ssm/traj_b.h5 --json results/small/spiral/n100/ssm/diverge.json
python cli.py quality results/small/spiral/n100/ssm/traj_a.h5 --json results/small/spiral/n100/ssm/quality.json
python cli.py attractors results/small/spiral/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n100/ssm/attractors.json
python cli.py score-error results/small/spiral/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n100/ssm/score_error.json --plot results/small/spiral/n100/ssm/score_field.png
python cli.py train --variant ssm --data spiral --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n100/ssm/run_a2 --force
python cli.py trajectories results/small/spiral/n100/ssm/run_a2 --out results/small/spiral/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n100/ssm/run_a results/small/spiral/n100/ssm/traj_a.h5 results/small/spiral/n100/ssm/traj_b.h5 --floor results/small/spiral/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n100/ssm/controls.json
python cli.py train --variant denoiser --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/denoiser/run_b --force
python cli.py trajectories results/small/spiral/n1000/denoiser/run_a --out results/small/spiral/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1000/denoiser/run_b --out results/small/spiral/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1000/denoiser/traj_a.h5 results/small/spiral/n1000/denoiser/traj_b.h5 --json results/small/spiral/n1000/denoiser/diverge.json
python cli.py quality results/small/spiral/n1000/denoiser/traj_a.h5 --json results/small/spiral/n1000/denoiser/quality.json
python cli.py attractors results/small/spiral/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1000/denoiser/attractors.json
python cli.py score-error results/small/spiral/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1000/denoiser/score_error.json --plot results/small/spiral/n1000/denoiser/score_field.png
python cli.py train --variant denoiser --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/spiral/n1000/denoiser/run_a2 --out results/small/spiral/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1000/denoiser/run_a results/small/spiral/n1000/denoiser/traj_a.h5 results/small/spiral/n1000/denoiser/traj_b.h5 --floor results/small/spiral/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/ncsn/run_b --force
python cli.py trajectories results/small/spiral/n1000/ncsn/run_a --out results/small/spiral/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1000/ncsn/run_b --out results/small/spiral/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1000/ncsn/traj_a.h5 results/small/spiral/n1000/ncsn/traj_b.h5 --json results/small/spiral/n1000/ncsn/diverge.json
python cli.py quality results/small/spiral/n1000/ncsn/traj_a.h5 --json results/small/spiral/n1000/ncsn/quality.json
python cli.py attractors results/small/spiral/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1000/ncsn/attractors.json
python cli.py score-error results/small/spiral/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1000/ncsn/score_error.json --plot results/small/spiral/n1000/ncsn/score_field.png
python cli.py train --variant ncsn --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/spiral/n1000/ncsn/run_a2 --out results/small/spiral/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1000/ncsn/run_a results/small/spiral/n1000/ncsn/traj_a.h5 results/small/spiral/n1000/ncsn/traj_b.h5 --floor results/small/spiral/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1000/ncsn/controls.json
python cli.py train --variant ssm --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/spiral/n1000/ssm/run_b --force
python cli.py trajectories results/small/spiral/n1000/ssm/run_a --out results/small/spiral/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/spiral/n1000/ssm/run_b --out results/small/spiral/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/spiral/n1000/ssm/traj_a.h5 results/small/spiral/n1000/ssm/traj_b.h5 --json results/small/spiral/n1000/ssm/diverge.json
python cli.py quality results/small/spiral/n1000/ssm/traj_a.h5 --json results/small/spiral/n1000/ssm/quality.json
python cli.py attractors results/small/spiral/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/spiral/n1000/ssm/attractors.json
python cli.py score-error results/small/spiral/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/spiral/n1000/ssm/score_error.json --plot results/small/spiral/n1000/ssm/score_field.png
python cli.py train --variant ssm --data spiral --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/spiral/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/spiral/n1000/ssm/run_a2 --out results/small/spiral/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/spiral/n1000/ssm/run_a results/small/spiral/n1000/ssm/traj_a.h5 results/small/spiral/n1000/ssm/traj_b.h5 --floor results/small/spiral/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/spiral/n1000/ssm/controls.json
python cli.py train --variant denoiser --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/denoiser/run_b --force
python cli.py trajectories results/small/hd-uniform/n1/denoiser/run_a --out results/small/hd-uniform/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1/denoiser/run_b --out results/small/hd-uniform/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1/denoiser/traj_a.h5 results/small/hd-uniform/n1/denoiser/traj_b.h5 --json results/small/hd-uniform/n1/denoiser/diverge.json
python cli.py quality results/small/hd-uniform/n1/denoiser/traj_a.h5 --json results/small/hd-uniform/n1/denoiser/quality.json
python cli.py attractors results/small/hd-uniform/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1/denoiser/attractors.json
python cli.py score-error results/small/hd-uniform/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1/denoiser/run_a2 --out results/small/hd-uniform/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1/denoiser/run_a results/small/hd-uniform/n1/denoiser/traj_a.h5 results/small/hd-uniform/n1/denoiser/traj_b.h5 --floor results/small/hd-uniform/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1/denoiser/controls.json
python cli.py train --variant ncsn --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/ncsn/run_b --force
python cli.py trajectories results/small/hd-uniform/n1/ncsn/run_a --out results/small/hd-uniform/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1/ncsn/run_b --out results/small/hd-uniform/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1/ncsn/traj_a.h5 results/small/hd-uniform/n1/ncsn/traj_b.h5 --json results/small/hd-uniform/n1/ncsn/diverge.json
python cli.py quality results/small/hd-uniform/n1/ncsn/traj_a.h5 --json results/small/hd-uniform/n1/ncsn/quality.json
python cli.py attractors results/small/hd-uniform/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1/ncsn/attractors.json
python cli.py score-error results/small/hd-uniform/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1/ncsn/run_a2 --out results/small/hd-uniform/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1/ncsn/run_a results/small/hd-uniform/n1/ncsn/traj_a.h5 results/small/hd-uniform/n1/ncsn/traj_b.h5 --floor results/small/hd-uniform/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1/ncsn/controls.json
python cli.py train --variant ssm --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1/ssm/run_b --force
python cli.py trajectories results/small/hd-uniform/n1/ssm/run_a --out results/small/hd-uniform/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1/ssm/run_b --out results/small/hd-uniform/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1/ssm/traj_a.h5 results/small/hd-uniform/n1/ssm/traj_b.h5 --json results/small/hd-uniform/n1/ssm/diverge.json
python cli.py quality results/small/hd-uniform/n1/ssm/traj_a.h5 --json results/small/hd-uniform/n1/ssm/quality.json
python cli.py attractors results/small/hd-uniform/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1/ssm/attractors.json
python cli.py score-error results/small/hd-uniform/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1/ssm/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1/ssm/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1/ssm/run_a2 --out results/small/hd-uniform/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1/ssm/run_a results/small/hd-uniform/n1/ssm/traj_a.h5 results/small/hd-uniform/n1/ssm/traj_b.h5 --floor results/small/hd-uniform/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1/ssm/controls.json
python cli.py train --variant denoiser --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/denoiser/run_b --force
python cli.py trajectories results/small/hd-uniform/n10/denoiser/run_a --out results/small/hd-uniform/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n10/denoiser/run_b --out results/small/hd-uniform/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n10/denoiser/traj_a.h5 results/small/hd-uniform/n10/denoiser/traj_b.h5 --json results/small/hd-uniform/n10/denoiser/diverge.json
python cli.py quality results/small/hd-uniform/n10/denoiser/traj_a.h5 --json results/small/hd-uniform/n10/denoiser/quality.json
python cli.py attractors results/small/hd-uniform/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n10/denoiser/attractors.json
python cli.py score-error results/small/hd-uniform/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n10/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n10/denoiser/run_a2 --out results/small/hd-uniform/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n10/denoiser/run_a results/small/hd-uniform/n10/denoiser/traj_a.h5 results/small/hd-uniform/n10/denoiser/traj_b.h5 --floor results/small/hd-uniform/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n10/denoiser/controls.json
python cli.py train --variant ncsn --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/ncsn/run_b --force
python cli.py trajectories results/small/hd-uniform/n10/ncsn/run_a --out results/small/hd-uniform/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n10/ncsn/run_b --out results/small/hd-uniform/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n10/ncsn/traj_a.h5 results/small/hd-uniform/n10/ncsn/traj_b.h5 --json results/small/hd-uniform/n10/ncsn/diverge.json
python cli.py quality results/small/hd-uniform/n10/ncsn/traj_a.h5 --json results/small/hd-uniform/n10/ncsn/quality.json
python cli.py attractors results/small/hd-uniform/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n10/ncsn/attractors.json
python cli.py score-error results/small/hd-uniform/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n10/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n10/ncsn/run_a2 --out results/small/hd-uniform/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n10/ncsn/run_a results/small/hd-uniform/n10/ncsn/traj_a.h5 results/small/hd-uniform/n10/ncsn/traj_b.h5 --floor results/small/hd-uniform/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n10/ncsn/controls.json
python cli.py train --variant ssm --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n10/ssm/run_b --force
python cli.py trajectories results/small/hd-uniform/n10/ssm/run_a --out results/small/hd-uniform/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n10/ssm/run_b --out results/small/hd-uniform/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n10/ssm/traj_a.h5 results/small/hd-uniform/n10/ssm/traj_b.h5 --json results/small/hd-uniform/n10/ssm/diverge.json
python cli.py quality results/small/hd-uniform/n10/ssm/traj_a.h5 --json results/small/hd-uniform/n10/ssm/quality.json
python cli.py attractors results/small/hd-uniform/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n10/ssm/attractors.json
python cli.py score-error results/small/hd-uniform/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n10/ssm/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n10/ssm/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n10/ssm/run_a2 --out results/small/hd-uniform/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n10/ssm/run_a results/small/hd-uniform/n10/ssm/traj_a.h5 results/small/hd-uniform/n10/ssm/traj_b.h5 --floor results/small/hd-uniform/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n10/ssm/controls.json
python cli.py train --variant denoiser --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/denoiser/run_b --force
python cli.py trajectories results/small/hd-uniform/n100/denoiser/run_a --out results/small/hd-uniform/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n100/denoiser/run_b --out results/small/hd-uniform/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n100/denoiser/traj_a.h5 results/small/hd-uniform/n100/denoiser/traj_b.h5 --json results/small/hd-uniform/n100/denoiser/diverge.json
python cli.py quality results/small/hd-uniform/n100/denoiser/traj_a.h5 --json results/small/hd-uniform/n100/denoiser/quality.json
python cli.py attractors results/small/hd-uniform/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n100/denoiser/attractors.json
python cli.py score-error results/small/hd-uniform/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n100/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n100/denoiser/run_a2 --out results/small/hd-uniform/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n100/denoiser/run_a results/small/hd-uniform/n100/denoiser/traj_a.h5 results/small/hd-uniform/n100/denoiser/traj_b.h5 --floor results/small/hd-uniform/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n100/denoiser/controls.json
python cli.py train --variant ncsn --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/ncsn/run_b --force
python cli.py trajectories results/small/hd-uniform/n100/ncsn/run_a --out results/small/hd-uniform/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n100/ncsn/run_b --out results/small/hd-uniform/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n100/ncsn/traj_a.h5 results/small/hd-uniform/n100/ncsn/traj_b.h5 --json results/small/hd-uniform/n100/ncsn/diverge.json
python cli.py quality results/small/hd-uniform/n100/ncsn/traj_a.h5 --json results/small/hd-uniform/n100/ncsn/quality.json
python cli.py attractors results/small/hd-uniform/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n100/ncsn/attractors.json
python cli.py score-error results/small/hd-uniform/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n100/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n100/ncsn/run_a2 --out results/small/hd-uniform/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n100/ncsn/run_a results/small/hd-uniform/n100/ncsn/traj_a.h5 results/small/hd-uniform/n100/ncsn/traj_b.h5 --floor results/small/hd-uniform/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n100/ncsn/controls.json
python cli.py train --variant ssm --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n100/ssm/run_b --force
python cli.py trajectories results/small/hd-uniform/n100/ssm/run_a --out results/small/hd-uniform/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n100/ssm/run_b --out results/small/hd-uniform/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n100/ssm/traj_a.h5 results/small/hd-uniform/n100/ssm/traj_b.h5 --json results/small/hd-uniform/n100/ssm/diverge.json
python cli.py quality results/small/hd-uniform/n100/ssm/traj_a.h5 --json results/small/hd-uniform/n100/ssm/quality.json
python cli.py attractors results/small/hd-uniform/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n100/ssm/attractors.json
python cli.py score-error results/small/hd-uniform/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n100/ssm/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n100/ssm/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n100/ssm/run_a2 --out results/small/hd-uniform/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n100/ssm/run_a results/small/hd-uniform/n100/ssm/traj_a.h5 results/small/hd-uniform/n100/ssm/traj_b.h5 --floor results/small/hd-uniform/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n100/ssm/controls.json
python cli.py train --variant denoiser --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/denoiser/run_b --force
python cli.py trajectories results/small/hd-uniform/n1000/denoiser/run_a --out results/small/hd-uniform/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1000/denoiser/run_b --out results/small/hd-uniform/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1000/denoiser/traj_a.h5 results/small/hd-uniform/n1000/denoiser/traj_b.h5 --json results/small/hd-uniform/n1000/denoiser/diverge.json
python cli.py quality results/small/hd-uniform/n1000/denoiser/traj_a.h5 --json results/small/hd-uniform/n1000/denoiser/quality.json
python cli.py attractors results/small/hd-uniform/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1000/denoiser/attractors.json
python cli.py score-error results/small/hd-uniform/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1000/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1000/denoiser/run_a2 --out results/small/hd-uniform/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1000/denoiser/run_a results/small/hd-uniform/n1000/denoiser/traj_a.h5 results/small/hd-uniform/n1000/denoiser/traj_b.h5 --floor results/small/hd-uniform/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/ncsn/run_b --force
python cli.py trajectories results/small/hd-uniform/n1000/ncsn/run_a --out results/small/hd-uniform/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1000/ncsn/run_b --out results/small/hd-uniform/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1000/ncsn/traj_a.h5 results/small/hd-uniform/n1000/ncsn/traj_b.h5 --json results/small/hd-uniform/n1000/ncsn/diverge.json
python cli.py quality results/small/hd-uniform/n1000/ncsn/traj_a.h5 --json results/small/hd-uniform/n1000/ncsn/quality.json
python cli.py attractors results/small/hd-uniform/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1000/ncsn/attractors.json
python cli.py score-error results/small/hd-uniform/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1000/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1000/ncsn/run_a2 --out results/small/hd-uniform/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1000/ncsn/run_a results/small/hd-uniform/n1000/ncsn/traj_a.h5 results/small/hd-uniform/n1000/ncsn/traj_b.h5 --floor results/small/hd-uniform/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1000/ncsn/controls.json
python cli.py train --variant ssm --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-uniform/n1000/ssm/run_b --force
python cli.py trajectories results/small/hd-uniform/n1000/ssm/run_a --out results/small/hd-uniform/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-uniform/n1000/ssm/run_b --out results/small/hd-uniform/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-uniform/n1000/ssm/traj_a.h5 results/small/hd-uniform/n1000/ssm/traj_b.h5 --json results/small/hd-uniform/n1000/ssm/diverge.json
python cli.py quality results/small/hd-uniform/n1000/ssm/traj_a.h5 --json results/small/hd-uniform/n1000/ssm/quality.json
python cli.py attractors results/small/hd-uniform/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-uniform/n1000/ssm/attractors.json
python cli.py score-error results/small/hd-uniform/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-uniform/n1000/ssm/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-uniform/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/hd-uniform/n1000/ssm/run_a2 --out results/small/hd-uniform/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-uniform/n1000/ssm/run_a results/small/hd-uniform/n1000/ssm/traj_a.h5 results/small/hd-uniform/n1000/ssm/traj_b.h5 --floor results/small/hd-uniform/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-uniform/n1000/ssm/controls.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/denoiser/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1/denoiser/run_a --out results/small/hd-sharpcov/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1/denoiser/run_b --out results/small/hd-sharpcov/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1/denoiser/traj_a.h5 results/small/hd-sharpcov/n1/denoiser/traj_b.h5 --json results/small/hd-sharpcov/n1/denoiser/diverge.json
python cli.py quality results/small/hd-sharpcov/n1/denoiser/traj_a.h5 --json results/small/hd-sharpcov/n1/denoiser/quality.json
python cli.py attractors results/small/hd-sharpcov/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1/denoiser/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1/denoiser/run_a2 --out results/small/hd-sharpcov/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1/denoiser/run_a results/small/hd-sharpcov/n1/denoiser/traj_a.h5 results/small/hd-sharpcov/n1/denoiser/traj_b.h5 --floor results/small/hd-sharpcov/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1/denoiser/controls.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/ncsn/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1/ncsn/run_a --out results/small/hd-sharpcov/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1/ncsn/run_b --out results/small/hd-sharpcov/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1/ncsn/traj_a.h5 results/small/hd-sharpcov/n1/ncsn/traj_b.h5 --json results/small/hd-sharpcov/n1/ncsn/diverge.json
python cli.py quality results/small/hd-sharpcov/n1/ncsn/traj_a.h5 --json results/small/hd-sharpcov/n1/ncsn/quality.json
python cli.py attractors results/small/hd-sharpcov/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1/ncsn/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1/ncsn/run_a2 --out results/small/hd-sharpcov/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1/ncsn/run_a results/small/hd-sharpcov/n1/ncsn/traj_a.h5 results/small/hd-sharpcov/n1/ncsn/traj_b.h5 --floor results/small/hd-sharpcov/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1/ncsn/controls.json
python cli.py train --variant ssm --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1/ssm/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1/ssm/run_a --out results/small/hd-sharpcov/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1/ssm/run_b --out results/small/hd-sharpcov/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1/ssm/traj_a.h5 results/small/hd-sharpcov/n1/ssm/traj_b.h5 --json results/small/hd-sharpcov/n1/ssm/diverge.json
python cli.py quality results/small/hd-sharpcov/n1/ssm/traj_a.h5 --json results/small/hd-sharpcov/n1/ssm/quality.json
python cli.py attractors results/small/hd-sharpcov/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1/ssm/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1/ssm/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1/ssm/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1/ssm/run_a2 --out results/small/hd-sharpcov/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1/ssm/run_a results/small/hd-sharpcov/n1/ssm/traj_a.h5 results/small/hd-sharpcov/n1/ssm/traj_b.h5 --floor results/small/hd-sharpcov/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1/ssm/controls.json
python cli.py train --variant denoiser --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/denoiser/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n10/denoiser/run_a --out results/small/hd-sharpcov/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n10/denoiser/run_b --out results/small/hd-sharpcov/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n10/denoiser/traj_a.h5 results/small/hd-sharpcov/n10/denoiser/traj_b.h5 --json results/small/hd-sharpcov/n10/denoiser/diverge.json
python cli.py quality results/small/hd-sharpcov/n10/denoiser/traj_a.h5 --json results/small/hd-sharpcov/n10/denoiser/quality.json
python cli.py attractors results/small/hd-sharpcov/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n10/denoiser/attractors.json
python cli.py score-error results/small/hd-sharpcov/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n10/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n10/denoiser/run_a2 --out results/small/hd-sharpcov/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n10/denoiser/run_a results/small/hd-sharpcov/n10/denoiser/traj_a.h5 results/small/hd-sharpcov/n10/denoiser/traj_b.h5 --floor results/small/hd-sharpcov/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n10/denoiser/controls.json
python cli.py train --variant ncsn --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/ncsn/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n10/ncsn/run_a --out results/small/hd-sharpcov/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n10/ncsn/run_b --out results/small/hd-sharpcov/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n10/ncsn/traj_a.h5 results/small/hd-sharpcov/n10/ncsn/traj_b.h5 --json results/small/hd-sharpcov/n10/ncsn/diverge.json
python cli.py quality results/small/hd-sharpcov/n10/ncsn/traj_a.h5 --json results/small/hd-sharpcov/n10/ncsn/quality.json
python cli.py attractors results/small/hd-sharpcov/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n10/ncsn/attractors.json
python cli.py score-error results/small/hd-sharpcov/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n10/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n10/ncsn/run_a2 --out results/small/hd-sharpcov/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n10/ncsn/run_a results/small/hd-sharpcov/n10/ncsn/traj_a.h5 results/small/hd-sharpcov/n10/ncsn/traj_b.h5 --floor results/small/hd-sharpcov/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n10/ncsn/controls.json
python cli.py train --variant ssm --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n10/ssm/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n10/ssm/run_a --out results/small/hd-sharpcov/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n10/ssm/run_b --out results/small/hd-sharpcov/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n10/ssm/traj_a.h5 results/small/hd-sharpcov/n10/ssm/traj_b.h5 --json results/small/hd-sharpcov/n10/ssm/diverge.json
python cli.py quality results/small/hd-sharpcov/n10/ssm/traj_a.h5 --json results/small/hd-sharpcov/n10/ssm/quality.json
python cli.py attractors results/small/hd-sharpcov/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n10/ssm/attractors.json
python cli.py score-error results/small/hd-sharpcov/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n10/ssm/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n10/ssm/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n10/ssm/run_a2 --out results/small/hd-sharpcov/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n10/ssm/run_a results/small/hd-sharpcov/n10/ssm/traj_a.h5 results/small/hd-sharpcov/n10/ssm/traj_b.h5 --floor results/small/hd-sharpcov/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n10/ssm/controls.json
python cli.py train --variant denoiser --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/denoiser/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n100/denoiser/run_a --out results/small/hd-sharpcov/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n100/denoiser/run_b --out results/small/hd-sharpcov/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n100/denoiser/traj_a.h5 results/small/hd-sharpcov/n100/denoiser/traj_b.h5 --json results/small/hd-sharpcov/n100/denoiser/diverge.json
python cli.py quality results/small/hd-sharpcov/n100/denoiser/traj_a.h5 --json results/small/hd-sharpcov/n100/denoiser/quality.json
python cli.py attractors results/small/hd-sharpcov/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n100/denoiser/attractors.json
python cli.py score-error results/small/hd-sharpcov/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n100/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n100/denoiser/run_a2 --out results/small/hd-sharpcov/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n100/denoiser/run_a results/small/hd-sharpcov/n100/denoiser/traj_a.h5 results/small/hd-sharpcov/n100/denoiser/traj_b.h5 --floor results/small/hd-sharpcov/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n100/denoiser/controls.json
python cli.py train --variant ncsn --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/ncsn/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n100/ncsn/run_a --out results/small/hd-sharpcov/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n100/ncsn/run_b --out results/small/hd-sharpcov/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n100/ncsn/traj_a.h5 results/small/hd-sharpcov/n100/ncsn/traj_b.h5 --json results/small/hd-sharpcov/n100/ncsn/diverge.json
python cli.py quality results/small/hd-sharpcov/n100/ncsn/traj_a.h5 --json results/small/hd-sharpcov/n100/ncsn/quality.json
python cli.py attractors results/small/hd-sharpcov/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n100/ncsn/attractors.json
python cli.py score-error results/small/hd-sharpcov/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n100/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n100/ncsn/run_a2 --out results/small/hd-sharpcov/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n100/ncsn/run_a results/small/hd-sharpcov/n100/ncsn/traj_a.h5 results/small/hd-sharpcov/n100/ncsn/traj_b.h5 --floor results/small/hd-sharpcov/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n100/ncsn/controls.json
python cli.py train --variant ssm --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n100/ssm/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n100/ssm/run_a --out results/small/hd-sharpcov/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n100/ssm/run_b --out results/small/hd-sharpcov/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n100/ssm/traj_a.h5 results/small/hd-sharpcov/n100/ssm/traj_b.h5 --json results/small/hd-sharpcov/n100/ssm/diverge.json
python cli.py quality results/small/hd-sharpcov/n100/ssm/traj_a.h5 --json results/small/hd-sharpcov/n100/ssm/quality.json
python cli.py attractors results/small/hd-sharpcov/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n100/ssm/attractors.json
python cli.py score-error results/small/hd-sharpcov/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n100/ssm/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n100/ssm/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n100/ssm/run_a2 --out results/small/hd-sharpcov/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n100/ssm/run_a results/small/hd-sharpcov/n100/ssm/traj_a.h5 results/small/hd-sharpcov/n100/ssm/traj_b.h5 --floor results/small/hd-sharpcov/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n100/ssm/controls.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/denoiser/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1000/denoiser/run_a --out results/small/hd-sharpcov/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1000/denoiser/run_b --out results/small/hd-sharpcov/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1000/denoiser/traj_a.h5 results/small/hd-sharpcov/n1000/denoiser/traj_b.h5 --json results/small/hd-sharpcov/n1000/denoiser/diverge.json
python cli.py quality results/small/hd-sharpcov/n1000/denoiser/traj_a.h5 --json results/small/hd-sharpcov/n1000/denoiser/quality.json
python cli.py attractors results/small/hd-sharpcov/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1000/denoiser/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1000/denoiser/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1000/denoiser/run_a2 --out results/small/hd-sharpcov/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1000/denoiser/run_a results/small/hd-sharpcov/n1000/denoiser/traj_a.h5 results/small/hd-sharpcov/n1000/denoiser/traj_b.h5 --floor results/small/hd-sharpcov/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/ncsn/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1000/ncsn/run_a --out results/small/hd-sharpcov/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1000/ncsn/run_b --out results/small/hd-sharpcov/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1000/ncsn/traj_a.h5 results/small/hd-sharpcov/n1000/ncsn/traj_b.h5 --json results/small/hd-sharpcov/n1000/ncsn/diverge.json
python cli.py quality results/small/hd-sharpcov/n1000/ncsn/traj_a.h5 --json results/small/hd-sharpcov/n1000/ncsn/quality.json
python cli.py attractors results/small/hd-sharpcov/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1000/ncsn/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1000/ncsn/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1000/ncsn/run_a2 --out results/small/hd-sharpcov/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1000/ncsn/run_a results/small/hd-sharpcov/n1000/ncsn/traj_a.h5 results/small/hd-sharpcov/n1000/ncsn/traj_b.h5 --floor results/small/hd-sharpcov/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1000/ncsn/controls.json
python cli.py train --variant ssm --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/hd-sharpcov/n1000/ssm/run_b --force
python cli.py trajectories results/small/hd-sharpcov/n1000/ssm/run_a --out results/small/hd-sharpcov/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/hd-sharpcov/n1000/ssm/run_b --out results/small/hd-sharpcov/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/hd-sharpcov/n1000/ssm/traj_a.h5 results/small/hd-sharpcov/n1000/ssm/traj_b.h5 --json results/small/hd-sharpcov/n1000/ssm/diverge.json
python cli.py quality results/small/hd-sharpcov/n1000/ssm/traj_a.h5 --json results/small/hd-sharpcov/n1000/ssm/quality.json
python cli.py attractors results/small/hd-sharpcov/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/hd-sharpcov/n1000/ssm/attractors.json
python cli.py score-error results/small/hd-sharpcov/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/hd-sharpcov/n1000/ssm/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/hd-sharpcov/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/hd-sharpcov/n1000/ssm/run_a2 --out results/small/hd-sharpcov/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/hd-sharpcov/n1000/ssm/run_a results/small/hd-sharpcov/n1000/ssm/traj_a.h5 results/small/hd-sharpcov/n1000/ssm/traj_b.h5 --floor results/small/hd-sharpcov/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/hd-sharpcov/n1000/ssm/controls.json
python cli.py train --variant denoiser --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/denoiser/run_b --force
python cli.py trajectories results/small/thinmanifold/n1/denoiser/run_a --out results/small/thinmanifold/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1/denoiser/run_b --out results/small/thinmanifold/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1/denoiser/traj_a.h5 results/small/thinmanifold/n1/denoiser/traj_b.h5 --json results/small/thinmanifold/n1/denoiser/diverge.json
python cli.py quality results/small/thinmanifold/n1/denoiser/traj_a.h5 --json results/small/thinmanifold/n1/denoiser/quality.json
python cli.py attractors results/small/thinmanifold/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1/denoiser/attractors.json
python cli.py score-error results/small/thinmanifold/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1/denoiser/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1/denoiser/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1/denoiser/run_a2 --out results/small/thinmanifold/n1/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1/denoiser/run_a results/small/thinmanifold/n1/denoiser/traj_a.h5 results/small/thinmanifold/n1/denoiser/traj_b.h5 --floor results/small/thinmanifold/n1/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1/denoiser/controls.json
python cli.py train --variant ncsn --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/ncsn/run_b --force
python cli.py trajectories results/small/thinmanifold/n1/ncsn/run_a --out results/small/thinmanifold/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1/ncsn/run_b --out results/small/thinmanifold/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1/ncsn/traj_a.h5 results/small/thinmanifold/n1/ncsn/traj_b.h5 --json results/small/thinmanifold/n1/ncsn/diverge.json
python cli.py quality results/small/thinmanifold/n1/ncsn/traj_a.h5 --json results/small/thinmanifold/n1/ncsn/quality.json
python cli.py attractors results/small/thinmanifold/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1/ncsn/attractors.json
python cli.py score-error results/small/thinmanifold/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1/ncsn/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1/ncsn/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1/ncsn/run_a2 --out results/small/thinmanifold/n1/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1/ncsn/run_a results/small/thinmanifold/n1/ncsn/traj_a.h5 results/small/thinmanifold/n1/ncsn/traj_b.h5 --floor results/small/thinmanifold/n1/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1/ncsn/controls.json
python cli.py train --variant ssm --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 1 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1/ssm/run_b --force
python cli.py trajectories results/small/thinmanifold/n1/ssm/run_a --out results/small/thinmanifold/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1/ssm/run_b --out results/small/thinmanifold/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1/ssm/traj_a.h5 results/small/thinmanifold/n1/ssm/traj_b.h5 --json results/small/thinmanifold/n1/ssm/diverge.json
python cli.py quality results/small/thinmanifold/n1/ssm/traj_a.h5 --json results/small/thinmanifold/n1/ssm/quality.json
python cli.py attractors results/small/thinmanifold/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1/ssm/attractors.json
python cli.py score-error results/small/thinmanifold/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1/ssm/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 1 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1/ssm/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1/ssm/run_a2 --out results/small/thinmanifold/n1/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1/ssm/run_a results/small/thinmanifold/n1/ssm/traj_a.h5 results/small/thinmanifold/n1/ssm/traj_b.h5 --floor results/small/thinmanifold/n1/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1/ssm/controls.json
python cli.py train --variant denoiser --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/denoiser/run_b --force
python cli.py trajectories results/small/thinmanifold/n10/denoiser/run_a --out results/small/thinmanifold/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n10/denoiser/run_b --out results/small/thinmanifold/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n10/denoiser/traj_a.h5 results/small/thinmanifold/n10/denoiser/traj_b.h5 --json results/small/thinmanifold/n10/denoiser/diverge.json
python cli.py quality results/small/thinmanifold/n10/denoiser/traj_a.h5 --json results/small/thinmanifold/n10/denoiser/quality.json
python cli.py attractors results/small/thinmanifold/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n10/denoiser/attractors.json
python cli.py score-error results/small/thinmanifold/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n10/denoiser/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n10/denoiser/run_a2 --out results/small/thinmanifold/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n10/denoiser/run_a results/small/thinmanifold/n10/denoiser/traj_a.h5 results/small/thinmanifold/n10/denoiser/traj_b.h5 --floor results/small/thinmanifold/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n10/denoiser/controls.json
python cli.py train --variant ncsn --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/ncsn/run_b --force
python cli.py trajectories results/small/thinmanifold/n10/ncsn/run_a --out results/small/thinmanifold/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n10/ncsn/run_b --out results/small/thinmanifold/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n10/ncsn/traj_a.h5 results/small/thinmanifold/n10/ncsn/traj_b.h5 --json results/small/thinmanifold/n10/ncsn/diverge.json
python cli.py quality results/small/thinmanifold/n10/ncsn/traj_a.h5 --json results/small/thinmanifold/n10/ncsn/quality.json
python cli.py attractors results/small/thinmanifold/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n10/ncsn/attractors.json
python cli.py score-error results/small/thinmanifold/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n10/ncsn/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n10/ncsn/run_a2 --out results/small/thinmanifold/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n10/ncsn/run_a results/small/thinmanifold/n10/ncsn/traj_a.h5 results/small/thinmanifold/n10/ncsn/traj_b.h5 --floor results/small/thinmanifold/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n10/ncsn/controls.json
python cli.py train --variant ssm --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 10 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n10/ssm/run_b --force
python cli.py trajectories results/small/thinmanifold/n10/ssm/run_a --out results/small/thinmanifold/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n10/ssm/run_b --out results/small/thinmanifold/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n10/ssm/traj_a.h5 results/small/thinmanifold/n10/ssm/traj_b.h5 --json results/small/thinmanifold/n10/ssm/diverge.json
python cli.py quality results/small/thinmanifold/n10/ssm/traj_a.h5 --json results/small/thinmanifold/n10/ssm/quality.json
python cli.py attractors results/small/thinmanifold/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n10/ssm/attractors.json
python cli.py score-error results/small/thinmanifold/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n10/ssm/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 10 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n10/ssm/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n10/ssm/run_a2 --out results/small/thinmanifold/n10/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n10/ssm/run_a results/small/thinmanifold/n10/ssm/traj_a.h5 results/small/thinmanifold/n10/ssm/traj_b.h5 --floor results/small/thinmanifold/n10/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n10/ssm/controls.json
python cli.py train --variant denoiser --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/denoiser/run_b --force
python cli.py trajectories results/small/thinmanifold/n100/denoiser/run_a --out results/small/thinmanifold/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n100/denoiser/run_b --out results/small/thinmanifold/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n100/denoiser/traj_a.h5 results/small/thinmanifold/n100/denoiser/traj_b.h5 --json results/small/thinmanifold/n100/denoiser/diverge.json
python cli.py quality results/small/thinmanifold/n100/denoiser/traj_a.h5 --json results/small/thinmanifold/n100/denoiser/quality.json
python cli.py attractors results/small/thinmanifold/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n100/denoiser/attractors.json
python cli.py score-error results/small/thinmanifold/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n100/denoiser/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n100/denoiser/run_a2 --out results/small/thinmanifold/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n100/denoiser/run_a results/small/thinmanifold/n100/denoiser/traj_a.h5 results/small/thinmanifold/n100/denoiser/traj_b.h5 --floor results/small/thinmanifold/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n100/denoiser/controls.json
python cli.py train --variant ncsn --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/ncsn/run_b --force
python cli.py trajectories results/small/thinmanifold/n100/ncsn/run_a --out results/small/thinmanifold/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n100/ncsn/run_b --out results/small/thinmanifold/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n100/ncsn/traj_a.h5 results/small/thinmanifold/n100/ncsn/traj_b.h5 --json results/small/thinmanifold/n100/ncsn/diverge.json
python cli.py quality results/small/thinmanifold/n100/ncsn/traj_a.h5 --json results/small/thinmanifold/n100/ncsn/quality.json
python cli.py attractors results/small/thinmanifold/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n100/ncsn/attractors.json
python cli.py score-error results/small/thinmanifold/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n100/ncsn/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n100/ncsn/run_a2 --out results/small/thinmanifold/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n100/ncsn/run_a results/small/thinmanifold/n100/ncsn/traj_a.h5 results/small/thinmanifold/n100/ncsn/traj_b.h5 --floor results/small/thinmanifold/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n100/ncsn/controls.json
python cli.py train --variant ssm --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 100 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n100/ssm/run_b --force
python cli.py trajectories results/small/thinmanifold/n100/ssm/run_a --out results/small/thinmanifold/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n100/ssm/run_b --out results/small/thinmanifold/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n100/ssm/traj_a.h5 results/small/thinmanifold/n100/ssm/traj_b.h5 --json results/small/thinmanifold/n100/ssm/diverge.json
python cli.py quality results/small/thinmanifold/n100/ssm/traj_a.h5 --json results/small/thinmanifold/n100/ssm/quality.json
python cli.py attractors results/small/thinmanifold/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n100/ssm/attractors.json
python cli.py score-error results/small/thinmanifold/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n100/ssm/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 100 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n100/ssm/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n100/ssm/run_a2 --out results/small/thinmanifold/n100/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n100/ssm/run_a results/small/thinmanifold/n100/ssm/traj_a.h5 results/small/thinmanifold/n100/ssm/traj_b.h5 --floor results/small/thinmanifold/n100/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n100/ssm/controls.json
python cli.py train --variant denoiser --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/denoiser/run_b --force
python cli.py trajectories results/small/thinmanifold/n1000/denoiser/run_a --out results/small/thinmanifold/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1000/denoiser/run_b --out results/small/thinmanifold/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1000/denoiser/traj_a.h5 results/small/thinmanifold/n1000/denoiser/traj_b.h5 --json results/small/thinmanifold/n1000/denoiser/diverge.json
python cli.py quality results/small/thinmanifold/n1000/denoiser/traj_a.h5 --json results/small/thinmanifold/n1000/denoiser/quality.json
python cli.py attractors results/small/thinmanifold/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1000/denoiser/attractors.json
python cli.py score-error results/small/thinmanifold/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1000/denoiser/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1000/denoiser/run_a2 --out results/small/thinmanifold/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1000/denoiser/run_a results/small/thinmanifold/n1000/denoiser/traj_a.h5 results/small/thinmanifold/n1000/denoiser/traj_b.h5 --floor results/small/thinmanifold/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/ncsn/run_b --force
python cli.py trajectories results/small/thinmanifold/n1000/ncsn/run_a --out results/small/thinmanifold/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1000/ncsn/run_b --out results/small/thinmanifold/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1000/ncsn/traj_a.h5 results/small/thinmanifold/n1000/ncsn/traj_b.h5 --json results/small/thinmanifold/n1000/ncsn/diverge.json
python cli.py quality results/small/thinmanifold/n1000/ncsn/traj_a.h5 --json results/small/thinmanifold/n1000/ncsn/quality.json
python cli.py attractors results/small/thinmanifold/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1000/ncsn/attractors.json
python cli.py score-error results/small/thinmanifold/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1000/ncsn/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1000/ncsn/run_a2 --out results/small/thinmanifold/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1000/ncsn/run_a results/small/thinmanifold/n1000/ncsn/traj_a.h5 results/small/thinmanifold/n1000/ncsn/traj_b.h5 --floor results/small/thinmanifold/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1000/ncsn/controls.json
python cli.py train --variant ssm --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 1000 --half b --steps 400 --batch-size 128 --seed 0 --out results/small/thinmanifold/n1000/ssm/run_b --force
python cli.py trajectories results/small/thinmanifold/n1000/ssm/run_a --out results/small/thinmanifold/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/small/thinmanifold/n1000/ssm/run_b --out results/small/thinmanifold/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/small/thinmanifold/n1000/ssm/traj_a.h5 results/small/thinmanifold/n1000/ssm/traj_b.h5 --json results/small/thinmanifold/n1000/ssm/diverge.json
python cli.py quality results/small/thinmanifold/n1000/ssm/traj_a.h5 --json results/small/thinmanifold/n1000/ssm/quality.json
python cli.py attractors results/small/thinmanifold/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/small/thinmanifold/n1000/ssm/attractors.json
python cli.py score-error results/small/thinmanifold/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/small/thinmanifold/n1000/ssm/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 1000 --half a --steps 400 --batch-size 128 --seed 1 --out results/small/thinmanifold/n1000/ssm/run_a2 --force
python cli.py trajectories results/small/thinmanifold/n1000/ssm/run_a2 --out results/small/thinmanifold/n1000/ssm/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py controls results/small/thinmanifold/n1000/ssm/run_a results/small/thinmanifold/n1000/ssm/traj_a.h5 results/small/thinmanifold/n1000/ssm/traj_b.h5 --floor results/small/thinmanifold/n1000/ssm/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/thinmanifold/n1000/ssm/controls.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 10 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 10 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n10/denoiser/run_b --force
python cli.py trajectories results/small/celeba/n10/denoiser/run_a --out results/small/celeba/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n10/denoiser/run_b --out results/small/celeba/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n10/denoiser/traj_a.h5 results/small/celeba/n10/denoiser/traj_b.h5 --json results/small/celeba/n10/denoiser/diverge.json
python cli.py quality results/small/celeba/n10/denoiser/traj_a.h5 --json results/small/celeba/n10/denoiser/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n10/denoiser/attractors.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 10 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n10/denoiser/run_a2 --force
python cli.py trajectories results/small/celeba/n10/denoiser/run_a2 --out results/small/celeba/n10/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n10/denoiser/run_a results/small/celeba/n10/denoiser/traj_a.h5 results/small/celeba/n10/denoiser/traj_b.h5 --floor results/small/celeba/n10/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n10/denoiser/controls.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 10 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 10 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n10/ncsn/run_b --force
python cli.py trajectories results/small/celeba/n10/ncsn/run_a --out results/small/celeba/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n10/ncsn/run_b --out results/small/celeba/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n10/ncsn/traj_a.h5 results/small/celeba/n10/ncsn/traj_b.h5 --json results/small/celeba/n10/ncsn/diverge.json
python cli.py quality results/small/celeba/n10/ncsn/traj_a.h5 --json results/small/celeba/n10/ncsn/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n10/ncsn/attractors.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 10 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n10/ncsn/run_a2 --force
python cli.py trajectories results/small/celeba/n10/ncsn/run_a2 --out results/small/celeba/n10/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n10/ncsn/run_a results/small/celeba/n10/ncsn/traj_a.h5 results/small/celeba/n10/ncsn/traj_b.h5 --floor results/small/celeba/n10/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n10/ncsn/controls.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 100 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 100 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n100/denoiser/run_b --force
python cli.py trajectories results/small/celeba/n100/denoiser/run_a --out results/small/celeba/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n100/denoiser/run_b --out results/small/celeba/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n100/denoiser/traj_a.h5 results/small/celeba/n100/denoiser/traj_b.h5 --json results/small/celeba/n100/denoiser/diverge.json
python cli.py quality results/small/celeba/n100/denoiser/traj_a.h5 --json results/small/celeba/n100/denoiser/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n100/denoiser/attractors.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 100 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n100/denoiser/run_a2 --force
python cli.py trajectories results/small/celeba/n100/denoiser/run_a2 --out results/small/celeba/n100/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n100/denoiser/run_a results/small/celeba/n100/denoiser/traj_a.h5 results/small/celeba/n100/denoiser/traj_b.h5 --floor results/small/celeba/n100/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n100/denoiser/controls.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 100 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 100 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n100/ncsn/run_b --force
python cli.py trajectories results/small/celeba/n100/ncsn/run_a --out results/small/celeba/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n100/ncsn/run_b --out results/small/celeba/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n100/ncsn/traj_a.h5 results/small/celeba/n100/ncsn/traj_b.h5 --json results/small/celeba/n100/ncsn/diverge.json
python cli.py quality results/small/celeba/n100/ncsn/traj_a.h5 --json results/small/celeba/n100/ncsn/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n100/ncsn/attractors.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 100 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n100/ncsn/run_a2 --force
python cli.py trajectories results/small/celeba/n100/ncsn/run_a2 --out results/small/celeba/n100/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n100/ncsn/run_a results/small/celeba/n100/ncsn/traj_a.h5 results/small/celeba/n100/ncsn/traj_b.h5 --floor results/small/celeba/n100/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n100/ncsn/controls.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 1000 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 1000 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n1000/denoiser/run_b --force
python cli.py trajectories results/small/celeba/n1000/denoiser/run_a --out results/small/celeba/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n1000/denoiser/run_b --out results/small/celeba/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n1000/denoiser/traj_a.h5 results/small/celeba/n1000/denoiser/traj_b.h5 --json results/small/celeba/n1000/denoiser/diverge.json
python cli.py quality results/small/celeba/n1000/denoiser/traj_a.h5 --json results/small/celeba/n1000/denoiser/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n1000/denoiser/attractors.json
python cli.py train --variant denoiser --data celeba:results/small/data/celeba80.h5 --n 1000 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n1000/denoiser/run_a2 --force
python cli.py trajectories results/small/celeba/n1000/denoiser/run_a2 --out results/small/celeba/n1000/denoiser/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n1000/denoiser/run_a results/small/celeba/n1000/denoiser/traj_a.h5 results/small/celeba/n1000/denoiser/traj_b.h5 --floor results/small/celeba/n1000/denoiser/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n1000/denoiser/controls.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 1000 --half a --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 1000 --half b --steps 250 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/small/celeba/n1000/ncsn/run_b --force
python cli.py trajectories results/small/celeba/n1000/ncsn/run_a --out results/small/celeba/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/small/celeba/n1000/ncsn/run_b --out results/small/celeba/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/small/celeba/n1000/ncsn/traj_a.h5 results/small/celeba/n1000/ncsn/traj_b.h5 --json results/small/celeba/n1000/ncsn/diverge.json
python cli.py quality results/small/celeba/n1000/ncsn/traj_a.h5 --json results/small/celeba/n1000/ncsn/quality.json --data celeba:results/small/data/celeba80.h5 --resolution 40
python cli.py attractors results/small/celeba/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/small/celeba/n1000/ncsn/attractors.json
python cli.py train --variant ncsn --data celeba:results/small/data/celeba80.h5 --n 1000 --half a --steps 250 --batch-size 16 --seed 1 --width 8 --resolution 40 --out results/small/celeba/n1000/ncsn/run_a2 --force
python cli.py trajectories results/small/celeba/n1000/ncsn/run_a2 --out results/small/celeba/n1000/ncsn/traj_a2.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py controls results/small/celeba/n1000/ncsn/run_a results/small/celeba/n1000/ncsn/traj_a.h5 results/small/celeba/n1000/ncsn/traj_b.h5 --floor results/small/celeba/n1000/ncsn/traj_a2.h5 --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --reps 2000 --boot-seed 0 --level 0.95 --json results/small/celeba/n1000/ncsn/controls.json
