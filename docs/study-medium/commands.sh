#!/bin/sh
# the steps of: python cli.py reproduce --scale medium --out results/medium
set -e
python cli.py train --variant denoiser --data uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/denoiser/run_b --force
python cli.py trajectories results/medium/uniform/n1/denoiser/run_a --out results/medium/uniform/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1/denoiser/run_b --out results/medium/uniform/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1/denoiser/traj_a.h5 results/medium/uniform/n1/denoiser/traj_b.h5 --json results/medium/uniform/n1/denoiser/diverge.json
python cli.py quality results/medium/uniform/n1/denoiser/traj_a.h5 --json results/medium/uniform/n1/denoiser/quality.json
python cli.py attractors results/medium/uniform/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1/denoiser/attractors.json
python cli.py score-error results/medium/uniform/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1/denoiser/score_error.json --plot results/medium/uniform/n1/denoiser/score_field.png
python cli.py train --variant ncsn --data uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/ncsn/run_b --force
python cli.py trajectories results/medium/uniform/n1/ncsn/run_a --out results/medium/uniform/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1/ncsn/run_b --out results/medium/uniform/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1/ncsn/traj_a.h5 results/medium/uniform/n1/ncsn/traj_b.h5 --json results/medium/uniform/n1/ncsn/diverge.json
python cli.py quality results/medium/uniform/n1/ncsn/traj_a.h5 --json results/medium/uniform/n1/ncsn/quality.json
python cli.py attractors results/medium/uniform/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1/ncsn/attractors.json
python cli.py score-error results/medium/uniform/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1/ncsn/score_error.json --plot results/medium/uniform/n1/ncsn/score_field.png
python cli.py train --variant ssm --data uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1/ssm/run_b --force
python cli.py trajectories results/medium/uniform/n1/ssm/run_a --out results/medium/uniform/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1/ssm/run_b --out results/medium/uniform/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1/ssm/traj_a.h5 results/medium/uniform/n1/ssm/traj_b.h5 --json results/medium/uniform/n1/ssm/diverge.json
python cli.py quality results/medium/uniform/n1/ssm/traj_a.h5 --json results/medium/uniform/n1/ssm/quality.json
python cli.py attractors results/medium/uniform/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1/ssm/attractors.json
python cli.py score-error results/medium/uniform/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1/ssm/score_error.json --plot results/medium/uniform/n1/ssm/score_field.png
python cli.py train --variant denoiser --data uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/denoiser/run_b --force
python cli.py trajectories results/medium/uniform/n10/denoiser/run_a --out results/medium/uniform/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n10/denoiser/run_b --out results/medium/uniform/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n10/denoiser/traj_a.h5 results/medium/uniform/n10/denoiser/traj_b.h5 --json results/medium/uniform/n10/denoiser/diverge.json
python cli.py quality results/medium/uniform/n10/denoiser/traj_a.h5 --json results/medium/uniform/n10/denoiser/quality.json
python cli.py attractors results/medium/uniform/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n10/denoiser/attractors.json
python cli.py score-error results/medium/uniform/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n10/denoiser/score_error.json --plot results/medium/uniform/n10/denoiser/score_field.png
python cli.py train --variant ncsn --data uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/ncsn/run_b --force
python cli.py trajectories results/medium/uniform/n10/ncsn/run_a --out results/medium/uniform/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n10/ncsn/run_b --out results/medium/uniform/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n10/ncsn/traj_a.h5 results/medium/uniform/n10/ncsn/traj_b.h5 --json results/medium/uniform/n10/ncsn/diverge.json
python cli.py quality results/medium/uniform/n10/ncsn/traj_a.h5 --json results/medium/uniform/n10/ncsn/quality.json
python cli.py attractors results/medium/uniform/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n10/ncsn/attractors.json
python cli.py score-error results/medium/uniform/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n10/ncsn/score_error.json --plot results/medium/uniform/n10/ncsn/score_field.png
python cli.py train --variant ssm --data uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n10/ssm/run_b --force
python cli.py trajectories results/medium/uniform/n10/ssm/run_a --out results/medium/uniform/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n10/ssm/run_b --out results/medium/uniform/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n10/ssm/traj_a.h5 results/medium/uniform/n10/ssm/traj_b.h5 --json results/medium/uniform/n10/ssm/diverge.json
python cli.py quality results/medium/uniform/n10/ssm/traj_a.h5 --json results/medium/uniform/n10/ssm/quality.json
python cli.py attractors results/medium/uniform/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n10/ssm/attractors.json
python cli.py score-error results/medium/uniform/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n10/ssm/score_error.json --plot results/medium/uniform/n10/ssm/score_field.png
python cli.py train --variant denoiser --data uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/denoiser/run_b --force
python cli.py trajectories results/medium/uniform/n100/denoiser/run_a --out results/medium/uniform/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n100/denoiser/run_b --out results/medium/uniform/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n100/denoiser/traj_a.h5 results/medium/uniform/n100/denoiser/traj_b.h5 --json results/medium/uniform/n100/denoiser/diverge.json
python cli.py quality results/medium/uniform/n100/denoiser/traj_a.h5 --json results/medium/uniform/n100/denoiser/quality.json
python cli.py attractors results/medium/uniform/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n100/denoiser/attractors.json
python cli.py score-error results/medium/uniform/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n100/denoiser/score_error.json --plot results/medium/uniform/n100/denoiser/score_field.png
python cli.py train --variant ncsn --data uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/ncsn/run_b --force
python cli.py trajectories results/medium/uniform/n100/ncsn/run_a --out results/medium/uniform/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n100/ncsn/run_b --out results/medium/uniform/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n100/ncsn/traj_a.h5 results/medium/uniform/n100/ncsn/traj_b.h5 --json results/medium/uniform/n100/ncsn/diverge.json
python cli.py quality results/medium/uniform/n100/ncsn/traj_a.h5 --json results/medium/uniform/n100/ncsn/quality.json
python cli.py attractors results/medium/uniform/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n100/ncsn/attractors.json
python cli.py score-error results/medium/uniform/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n100/ncsn/score_error.json --plot results/medium/uniform/n100/ncsn/score_field.png
python cli.py train --variant ssm --data uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n100/ssm/run_b --force
python cli.py trajectories results/medium/uniform/n100/ssm/run_a --out results/medium/uniform/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n100/ssm/run_b --out results/medium/uniform/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n100/ssm/traj_a.h5 results/medium/uniform/n100/ssm/traj_b.h5 --json results/medium/uniform/n100/ssm/diverge.json
python cli.py quality results/medium/uniform/n100/ssm/traj_a.h5 --json results/medium/uniform/n100/ssm/quality.json
python cli.py attractors results/medium/uniform/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n100/ssm/attractors.json
python cli.py score-error results/medium/uniform/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n100/ssm/score_error.json --plot results/medium/uniform/n100/ssm/score_field.png
python cli.py train --variant denoiser --data uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/uniform/n1000/denoiser/run_a --out results/medium/uniform/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1000/denoiser/run_b --out results/medium/uniform/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1000/denoiser/traj_a.h5 results/medium/uniform/n1000/denoiser/traj_b.h5 --json results/medium/uniform/n1000/denoiser/diverge.json
python cli.py quality results/medium/uniform/n1000/denoiser/traj_a.h5 --json results/medium/uniform/n1000/denoiser/quality.json
python cli.py attractors results/medium/uniform/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1000/denoiser/attractors.json
python cli.py score-error results/medium/uniform/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1000/denoiser/score_error.json --plot results/medium/uniform/n1000/denoiser/score_field.png
python cli.py train --variant ncsn --data uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/uniform/n1000/ncsn/run_a --out results/medium/uniform/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1000/ncsn/run_b --out results/medium/uniform/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1000/ncsn/traj_a.h5 results/medium/uniform/n1000/ncsn/traj_b.h5 --json results/medium/uniform/n1000/ncsn/diverge.json
python cli.py quality results/medium/uniform/n1000/ncsn/traj_a.h5 --json results/medium/uniform/n1000/ncsn/quality.json
python cli.py attractors results/medium/uniform/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1000/ncsn/attractors.json
python cli.py score-error results/medium/uniform/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1000/ncsn/score_error.json --plot results/medium/uniform/n1000/ncsn/score_field.png
python cli.py train --variant ssm --data uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/ssm/run_a --force
python cli.py train --variant ssm --data uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/uniform/n1000/ssm/run_b --force
python cli.py trajectories results/medium/uniform/n1000/ssm/run_a --out results/medium/uniform/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/uniform/n1000/ssm/run_b --out results/medium/uniform/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/uniform/n1000/ssm/traj_a.h5 results/medium/uniform/n1000/ssm/traj_b.h5 --json results/medium/uniform/n1000/ssm/diverge.json
python cli.py quality results/medium/uniform/n1000/ssm/traj_a.h5 --json results/medium/uniform/n1000/ssm/quality.json
python cli.py attractors results/medium/uniform/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/uniform/n1000/ssm/attractors.json
python cli.py score-error results/medium/uniform/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/uniform/n1000/ssm/score_error.json --plot results/medium/uniform/n1000/ssm/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/denoiser/run_b --force
python cli.py trajectories results/medium/sharpcov/n1/denoiser/run_a --out results/medium/sharpcov/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1/denoiser/run_b --out results/medium/sharpcov/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1/denoiser/traj_a.h5 results/medium/sharpcov/n1/denoiser/traj_b.h5 --json results/medium/sharpcov/n1/denoiser/diverge.json
python cli.py quality results/medium/sharpcov/n1/denoiser/traj_a.h5 --json results/medium/sharpcov/n1/denoiser/quality.json
python cli.py attractors results/medium/sharpcov/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1/denoiser/attractors.json
python cli.py score-error results/medium/sharpcov/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1/denoiser/score_error.json --plot results/medium/sharpcov/n1/denoiser/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/ncsn/run_b --force
python cli.py trajectories results/medium/sharpcov/n1/ncsn/run_a --out results/medium/sharpcov/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1/ncsn/run_b --out results/medium/sharpcov/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1/ncsn/traj_a.h5 results/medium/sharpcov/n1/ncsn/traj_b.h5 --json results/medium/sharpcov/n1/ncsn/diverge.json
python cli.py quality results/medium/sharpcov/n1/ncsn/traj_a.h5 --json results/medium/sharpcov/n1/ncsn/quality.json
python cli.py attractors results/medium/sharpcov/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1/ncsn/attractors.json
python cli.py score-error results/medium/sharpcov/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1/ncsn/score_error.json --plot results/medium/sharpcov/n1/ncsn/score_field.png
python cli.py train --variant ssm --data sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1/ssm/run_b --force
python cli.py trajectories results/medium/sharpcov/n1/ssm/run_a --out results/medium/sharpcov/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1/ssm/run_b --out results/medium/sharpcov/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1/ssm/traj_a.h5 results/medium/sharpcov/n1/ssm/traj_b.h5 --json results/medium/sharpcov/n1/ssm/diverge.json
python cli.py quality results/medium/sharpcov/n1/ssm/traj_a.h5 --json results/medium/sharpcov/n1/ssm/quality.json
python cli.py attractors results/medium/sharpcov/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1/ssm/attractors.json
python cli.py score-error results/medium/sharpcov/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1/ssm/score_error.json --plot results/medium/sharpcov/n1/ssm/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/denoiser/run_b --force
python cli.py trajectories results/medium/sharpcov/n10/denoiser/run_a --out results/medium/sharpcov/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n10/denoiser/run_b --out results/medium/sharpcov/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n10/denoiser/traj_a.h5 results/medium/sharpcov/n10/denoiser/traj_b.h5 --json results/medium/sharpcov/n10/denoiser/diverge.json
python cli.py quality results/medium/sharpcov/n10/denoiser/traj_a.h5 --json results/medium/sharpcov/n10/denoiser/quality.json
python cli.py attractors results/medium/sharpcov/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n10/denoiser/attractors.json
python cli.py score-error results/medium/sharpcov/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n10/denoiser/score_error.json --plot results/medium/sharpcov/n10/denoiser/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/ncsn/run_b --force
python cli.py trajectories results/medium/sharpcov/n10/ncsn/run_a --out results/medium/sharpcov/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n10/ncsn/run_b --out results/medium/sharpcov/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n10/ncsn/traj_a.h5 results/medium/sharpcov/n10/ncsn/traj_b.h5 --json results/medium/sharpcov/n10/ncsn/diverge.json
python cli.py quality results/medium/sharpcov/n10/ncsn/traj_a.h5 --json results/medium/sharpcov/n10/ncsn/quality.json
python cli.py attractors results/medium/sharpcov/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n10/ncsn/attractors.json
python cli.py score-error results/medium/sharpcov/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n10/ncsn/score_error.json --plot results/medium/sharpcov/n10/ncsn/score_field.png
python cli.py train --variant ssm --data sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n10/ssm/run_b --force
python cli.py trajectories results/medium/sharpcov/n10/ssm/run_a --out results/medium/sharpcov/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n10/ssm/run_b --out results/medium/sharpcov/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n10/ssm/traj_a.h5 results/medium/sharpcov/n10/ssm/traj_b.h5 --json results/medium/sharpcov/n10/ssm/diverge.json
python cli.py quality results/medium/sharpcov/n10/ssm/traj_a.h5 --json results/medium/sharpcov/n10/ssm/quality.json
python cli.py attractors results/medium/sharpcov/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n10/ssm/attractors.json
python cli.py score-error results/medium/sharpcov/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n10/ssm/score_error.json --plot results/medium/sharpcov/n10/ssm/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/denoiser/run_b --force
python cli.py trajectories results/medium/sharpcov/n100/denoiser/run_a --out results/medium/sharpcov/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n100/denoiser/run_b --out results/medium/sharpcov/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n100/denoiser/traj_a.h5 results/medium/sharpcov/n100/denoiser/traj_b.h5 --json results/medium/sharpcov/n100/denoiser/diverge.json
python cli.py quality results/medium/sharpcov/n100/denoiser/traj_a.h5 --json results/medium/sharpcov/n100/denoiser/quality.json
python cli.py attractors results/medium/sharpcov/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n100/denoiser/attractors.json
python cli.py score-error results/medium/sharpcov/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n100/denoiser/score_error.json --plot results/medium/sharpcov/n100/denoiser/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/ncsn/run_b --force
python cli.py trajectories results/medium/sharpcov/n100/ncsn/run_a --out results/medium/sharpcov/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n100/ncsn/run_b --out results/medium/sharpcov/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n100/ncsn/traj_a.h5 results/medium/sharpcov/n100/ncsn/traj_b.h5 --json results/medium/sharpcov/n100/ncsn/diverge.json
python cli.py quality results/medium/sharpcov/n100/ncsn/traj_a.h5 --json results/medium/sharpcov/n100/ncsn/quality.json
python cli.py attractors results/medium/sharpcov/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n100/ncsn/attractors.json
python cli.py score-error results/medium/sharpcov/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n100/ncsn/score_error.json --plot results/medium/sharpcov/n100/ncsn/score_field.png
python cli.py train --variant ssm --data sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n100/ssm/run_b --force
python cli.py trajectories results/medium/sharpcov/n100/ssm/run_a --out results/medium/sharpcov/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n100/ssm/run_b --out results/medium/sharpcov/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n100/ssm/traj_a.h5 results/medium/sharpcov/n100/ssm/traj_b.h5 --json results/medium/sharpcov/n100/ssm/diverge.json
python cli.py quality results/medium/sharpcov/n100/ssm/traj_a.h5 --json results/medium/sharpcov/n100/ssm/quality.json
python cli.py attractors results/medium/sharpcov/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n100/ssm/attractors.json
python cli.py score-error results/medium/sharpcov/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n100/ssm/score_error.json --plot results/medium/sharpcov/n100/ssm/score_field.png
python cli.py train --variant denoiser --data sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/sharpcov/n1000/denoiser/run_a --out results/medium/sharpcov/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1000/denoiser/run_b --out results/medium/sharpcov/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1000/denoiser/traj_a.h5 results/medium/sharpcov/n1000/denoiser/traj_b.h5 --json results/medium/sharpcov/n1000/denoiser/diverge.json
python cli.py quality results/medium/sharpcov/n1000/denoiser/traj_a.h5 --json results/medium/sharpcov/n1000/denoiser/quality.json
python cli.py attractors results/medium/sharpcov/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1000/denoiser/attractors.json
python cli.py score-error results/medium/sharpcov/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1000/denoiser/score_error.json --plot results/medium/sharpcov/n1000/denoiser/score_field.png
python cli.py train --variant ncsn --data sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/sharpcov/n1000/ncsn/run_a --out results/medium/sharpcov/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1000/ncsn/run_b --out results/medium/sharpcov/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1000/ncsn/traj_a.h5 results/medium/sharpcov/n1000/ncsn/traj_b.h5 --json results/medium/sharpcov/n1000/ncsn/diverge.json
python cli.py quality results/medium/sharpcov/n1000/ncsn/traj_a.h5 --json results/medium/sharpcov/n1000/ncsn/quality.json
python cli.py attractors results/medium/sharpcov/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1000/ncsn/attractors.json
python cli.py score-error results/medium/sharpcov/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1000/ncsn/score_error.json --plot results/medium/sharpcov/n1000/ncsn/score_field.png
python cli.py train --variant ssm --data sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/ssm/run_a --force
python cli.py train --variant ssm --data sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/sharpcov/n1000/ssm/run_b --force
python cli.py trajectories results/medium/sharpcov/n1000/ssm/run_a --out results/medium/sharpcov/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/sharpcov/n1000/ssm/run_b --out results/medium/sharpcov/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/sharpcov/n1000/ssm/traj_a.h5 results/medium/sharpcov/n1000/ssm/traj_b.h5 --json results/medium/sharpcov/n1000/ssm/diverge.json
python cli.py quality results/medium/sharpcov/n1000/ssm/traj_a.h5 --json results/medium/sharpcov/n1000/ssm/quality.json
python cli.py attractors results/medium/sharpcov/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/sharpcov/n1000/ssm/attractors.json
python cli.py score-error results/medium/sharpcov/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/sharpcov/n1000/ssm/score_error.json --plot results/medium/sharpcov/n1000/ssm/score_field.png
python cli.py train --variant denoiser --data spiral --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/denoiser/run_b --force
python cli.py trajectories results/medium/spiral/n1/denoiser/run_a --out results/medium/spiral/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1/denoiser/run_b --out results/medium/spiral/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1/denoiser/traj_a.h5 results/medium/spiral/n1/denoiser/traj_b.h5 --json results/medium/spiral/n1/denoiser/diverge.json
python cli.py quality results/medium/spiral/n1/denoiser/traj_a.h5 --json results/medium/spiral/n1/denoiser/quality.json
python cli.py attractors results/medium/spiral/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1/denoiser/attractors.json
python cli.py score-error results/medium/spiral/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1/denoiser/score_error.json --plot results/medium/spiral/n1/denoiser/score_field.png
python cli.py train --variant ncsn --data spiral --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/ncsn/run_b --force
python cli.py trajectories results/medium/spiral/n1/ncsn/run_a --out results/medium/spiral/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1/ncsn/run_b --out results/medium/spiral/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1/ncsn/traj_a.h5 results/medium/spiral/n1/ncsn/traj_b.h5 --json results/medium/spiral/n1/ncsn/diverge.json
python cli.py quality results/medium/spiral/n1/ncsn/traj_a.h5 --json results/medium/spiral/n1/ncsn/quality.json
python cli.py attractors results/medium/spiral/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1/ncsn/attractors.json
python cli.py score-error results/medium/spiral/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1/ncsn/score_error.json --plot results/medium/spiral/n1/ncsn/score_field.png
python cli.py train --variant ssm --data spiral --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1/ssm/run_b --force
python cli.py trajectories results/medium/spiral/n1/ssm/run_a --out results/medium/spiral/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1/ssm/run_b --out results/medium/spiral/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1/ssm/traj_a.h5 results/medium/spiral/n1/ssm/traj_b.h5 --json results/medium/spiral/n1/ssm/diverge.json
python cli.py quality results/medium/spiral/n1/ssm/traj_a.h5 --json results/medium/spiral/n1/ssm/quality.json
python cli.py attractors results/medium/spiral/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1/ssm/attractors.json
python cli.py score-error results/medium/spiral/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1/ssm/score_error.json --plot results/medium/spiral/n1/ssm/score_field.png
python cli.py train --variant denoiser --data spiral --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/denoiser/run_b --force
python cli.py trajectories results/medium/spiral/n10/denoiser/run_a --out results/medium/spiral/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n10/denoiser/run_b --out results/medium/spiral/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n10/denoiser/traj_a.h5 results/medium/spiral/n10/denoiser/traj_b.h5 --json results/medium/spiral/n10/denoiser/diverge.json
python cli.py quality results/medium/spiral/n10/denoiser/traj_a.h5 --json results/medium/spiral/n10/denoiser/quality.json
python cli.py attractors results/medium/spiral/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n10/denoiser/attractors.json
python cli.py score-error results/medium/spiral/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n10/denoiser/score_error.json --plot results/medium/spiral/n10/denoiser/score_field.png
python cli.py train --variant ncsn --data spiral --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/ncsn/run_b --force
python cli.py trajectories results/medium/spiral/n10/ncsn/run_a --out results/medium/spiral/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n10/ncsn/run_b --out results/medium/spiral/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n10/ncsn/traj_a.h5 results/medium/spiral/n10/ncsn/traj_b.h5 --json results/medium/spiral/n10/ncsn/diverge.json
python cli.py quality results/medium/spiral/n10/ncsn/traj_a.h5 --json results/medium/spiral/n10/ncsn/quality.json
python cli.py attractors results/medium/spiral/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n10/ncsn/attractors.json
python cli.py score-error results/medium/spiral/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n10/ncsn/score_error.json --plot results/medium/spiral/n10/ncsn/score_field.png
python cli.py train --variant ssm --data spiral --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n10/ssm/run_b --force
python cli.py trajectories results/medium/spiral/n10/ssm/run_a --out results/medium/spiral/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n10/ssm/run_b --out results/medium/spiral/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n10/ssm/traj_a.h5 results/medium/spiral/n10/ssm/traj_b.h5 --json results/medium/spiral/n10/ssm/diverge.json
python cli.py quality results/medium/spiral/n10/ssm/traj_a.h5 --json results/medium/spiral/n10/ssm/quality.json
python cli.py attractors results/medium/spiral/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n10/ssm/attractors.json
python cli.py score-error results/medium/spiral/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n10/ssm/score_error.json --plot results/medium/spiral/n10/ssm/score_field.png
python cli.py train --variant denoiser --data spiral --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/denoiser/run_b --force
python cli.py trajectories results/medium/spiral/n100/denoiser/run_a --out results/medium/spiral/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n100/denoiser/run_b --out results/medium/spiral/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n100/denoiser/traj_a.h5 results/medium/spiral/n100/denoiser/traj_b.h5 --json results/medium/spiral/n100/denoiser/diverge.json
python cli.py quality results/medium/spiral/n100/denoiser/traj_a.h5 --json results/medium/spiral/n100/denoiser/quality.json
python cli.py attractors results/medium/spiral/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n100/denoiser/attractors.json
python cli.py score-error results/medium/spiral/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n100/denoiser/score_error.json --plot results/medium/spiral/n100/denoiser/score_field.png
python cli.py train --variant ncsn --data spiral --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/ncsn/run_b --force
python cli.py trajectories results/medium/spiral/n100/ncsn/run_a --out results/medium/spiral/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n100/ncsn/run_b --out results/medium/spiral/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n100/ncsn/traj_a.h5 results/medium/spiral/n100/ncsn/traj_b.h5 --json results/medium/spiral/n100/ncsn/diverge.json
python cli.py quality results/medium/spiral/n100/ncsn/traj_a.h5 --json results/medium/spiral/n100/ncsn/quality.json
python cli.py attractors results/medium/spiral/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n100/ncsn/attractors.json
python cli.py score-error results/medium/spiral/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n100/ncsn/score_error.json --plot results/medium/spiral/n100/ncsn/score_field.png
python cli.py train --variant ssm --data spiral --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n100/ssm/run_b --force
python cli.py trajectories results/medium/spiral/n100/ssm/run_a --out results/medium/spiral/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n100/ssm/run_b --out results/medium/spiral/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n100/ssm/traj_a.h5 results/medium/spiral/n100/ssm/traj_b.h5 --json results/medium/spiral/n100/ssm/diverge.json
python cli.py quality results/medium/spiral/n100/ssm/traj_a.h5 --json results/medium/spiral/n100/ssm/quality.json
python cli.py attractors results/medium/spiral/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n100/ssm/attractors.json
python cli.py score-error results/medium/spiral/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n100/ssm/score_error.json --plot results/medium/spiral/n100/ssm/score_field.png
python cli.py train --variant denoiser --data spiral --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data spiral --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/spiral/n1000/denoiser/run_a --out results/medium/spiral/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1000/denoiser/run_b --out results/medium/spiral/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1000/denoiser/traj_a.h5 results/medium/spiral/n1000/denoiser/traj_b.h5 --json results/medium/spiral/n1000/denoiser/diverge.json
python cli.py quality results/medium/spiral/n1000/denoiser/traj_a.h5 --json results/medium/spiral/n1000/denoiser/quality.json
python cli.py attractors results/medium/spiral/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1000/denoiser/attractors.json
python cli.py score-error results/medium/spiral/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1000/denoiser/score_error.json --plot results/medium/spiral/n1000/denoiser/score_field.png
python cli.py train --variant ncsn --data spiral --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data spiral --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/spiral/n1000/ncsn/run_a --out results/medium/spiral/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1000/ncsn/run_b --out results/medium/spiral/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1000/ncsn/traj_a.h5 results/medium/spiral/n1000/ncsn/traj_b.h5 --json results/medium/spiral/n1000/ncsn/diverge.json
python cli.py quality results/medium/spiral/n1000/ncsn/traj_a.h5 --json results/medium/spiral/n1000/ncsn/quality.json
python cli.py attractors results/medium/spiral/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1000/ncsn/attractors.json
python cli.py score-error results/medium/spiral/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1000/ncsn/score_error.json --plot results/medium/spiral/n1000/ncsn/score_field.png
python cli.py train --variant ssm --data spiral --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/ssm/run_a --force
python cli.py train --variant ssm --data spiral --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/spiral/n1000/ssm/run_b --force
python cli.py trajectories results/medium/spiral/n1000/ssm/run_a --out results/medium/spiral/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/spiral/n1000/ssm/run_b --out results/medium/spiral/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/spiral/n1000/ssm/traj_a.h5 results/medium/spiral/n1000/ssm/traj_b.h5 --json results/medium/spiral/n1000/ssm/diverge.json
python cli.py quality results/medium/spiral/n1000/ssm/traj_a.h5 --json results/medium/spiral/n1000/ssm/quality.json
python cli.py attractors results/medium/spiral/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/spiral/n1000/ssm/attractors.json
python cli.py score-error results/medium/spiral/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/spiral/n1000/ssm/score_error.json --plot results/medium/spiral/n1000/ssm/score_field.png
python cli.py train --variant denoiser --data hd-uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/denoiser/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1/denoiser/run_a --out results/medium/hd-uniform/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1/denoiser/run_b --out results/medium/hd-uniform/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1/denoiser/traj_a.h5 results/medium/hd-uniform/n1/denoiser/traj_b.h5 --json results/medium/hd-uniform/n1/denoiser/diverge.json
python cli.py quality results/medium/hd-uniform/n1/denoiser/traj_a.h5 --json results/medium/hd-uniform/n1/denoiser/quality.json
python cli.py attractors results/medium/hd-uniform/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1/denoiser/attractors.json
python cli.py score-error results/medium/hd-uniform/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/ncsn/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1/ncsn/run_a --out results/medium/hd-uniform/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1/ncsn/run_b --out results/medium/hd-uniform/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1/ncsn/traj_a.h5 results/medium/hd-uniform/n1/ncsn/traj_b.h5 --json results/medium/hd-uniform/n1/ncsn/diverge.json
python cli.py quality results/medium/hd-uniform/n1/ncsn/traj_a.h5 --json results/medium/hd-uniform/n1/ncsn/quality.json
python cli.py attractors results/medium/hd-uniform/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1/ncsn/attractors.json
python cli.py score-error results/medium/hd-uniform/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1/ncsn/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1/ssm/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1/ssm/run_a --out results/medium/hd-uniform/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1/ssm/run_b --out results/medium/hd-uniform/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1/ssm/traj_a.h5 results/medium/hd-uniform/n1/ssm/traj_b.h5 --json results/medium/hd-uniform/n1/ssm/diverge.json
python cli.py quality results/medium/hd-uniform/n1/ssm/traj_a.h5 --json results/medium/hd-uniform/n1/ssm/quality.json
python cli.py attractors results/medium/hd-uniform/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1/ssm/attractors.json
python cli.py score-error results/medium/hd-uniform/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1/ssm/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/denoiser/run_b --force
python cli.py trajectories results/medium/hd-uniform/n10/denoiser/run_a --out results/medium/hd-uniform/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n10/denoiser/run_b --out results/medium/hd-uniform/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n10/denoiser/traj_a.h5 results/medium/hd-uniform/n10/denoiser/traj_b.h5 --json results/medium/hd-uniform/n10/denoiser/diverge.json
python cli.py quality results/medium/hd-uniform/n10/denoiser/traj_a.h5 --json results/medium/hd-uniform/n10/denoiser/quality.json
python cli.py attractors results/medium/hd-uniform/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n10/denoiser/attractors.json
python cli.py score-error results/medium/hd-uniform/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n10/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/ncsn/run_b --force
python cli.py trajectories results/medium/hd-uniform/n10/ncsn/run_a --out results/medium/hd-uniform/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n10/ncsn/run_b --out results/medium/hd-uniform/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n10/ncsn/traj_a.h5 results/medium/hd-uniform/n10/ncsn/traj_b.h5 --json results/medium/hd-uniform/n10/ncsn/diverge.json
python cli.py quality results/medium/hd-uniform/n10/ncsn/traj_a.h5 --json results/medium/hd-uniform/n10/ncsn/quality.json
python cli.py attractors results/medium/hd-uniform/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n10/ncsn/attractors.json
python cli.py score-error results/medium/hd-uniform/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n10/ncsn/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n10/ssm/run_b --force
python cli.py trajectories results/medium/hd-uniform/n10/ssm/run_a --out results/medium/hd-uniform/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n10/ssm/run_b --out results/medium/hd-uniform/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n10/ssm/traj_a.h5 results/medium/hd-uniform/n10/ssm/traj_b.h5 --json results/medium/hd-uniform/n10/ssm/diverge.json
python cli.py quality results/medium/hd-uniform/n10/ssm/traj_a.h5 --json results/medium/hd-uniform/n10/ssm/quality.json
python cli.py attractors results/medium/hd-uniform/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n10/ssm/attractors.json
python cli.py score-error results/medium/hd-uniform/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n10/ssm/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/denoiser/run_b --force
python cli.py trajectories results/medium/hd-uniform/n100/denoiser/run_a --out results/medium/hd-uniform/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n100/denoiser/run_b --out results/medium/hd-uniform/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n100/denoiser/traj_a.h5 results/medium/hd-uniform/n100/denoiser/traj_b.h5 --json results/medium/hd-uniform/n100/denoiser/diverge.json
python cli.py quality results/medium/hd-uniform/n100/denoiser/traj_a.h5 --json results/medium/hd-uniform/n100/denoiser/quality.json
python cli.py attractors results/medium/hd-uniform/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n100/denoiser/attractors.json
python cli.py score-error results/medium/hd-uniform/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n100/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/ncsn/run_b --force
python cli.py trajectories results/medium/hd-uniform/n100/ncsn/run_a --out results/medium/hd-uniform/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n100/ncsn/run_b --out results/medium/hd-uniform/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n100/ncsn/traj_a.h5 results/medium/hd-uniform/n100/ncsn/traj_b.h5 --json results/medium/hd-uniform/n100/ncsn/diverge.json
python cli.py quality results/medium/hd-uniform/n100/ncsn/traj_a.h5 --json results/medium/hd-uniform/n100/ncsn/quality.json
python cli.py attractors results/medium/hd-uniform/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n100/ncsn/attractors.json
python cli.py score-error results/medium/hd-uniform/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n100/ncsn/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n100/ssm/run_b --force
python cli.py trajectories results/medium/hd-uniform/n100/ssm/run_a --out results/medium/hd-uniform/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n100/ssm/run_b --out results/medium/hd-uniform/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n100/ssm/traj_a.h5 results/medium/hd-uniform/n100/ssm/traj_b.h5 --json results/medium/hd-uniform/n100/ssm/diverge.json
python cli.py quality results/medium/hd-uniform/n100/ssm/traj_a.h5 --json results/medium/hd-uniform/n100/ssm/quality.json
python cli.py attractors results/medium/hd-uniform/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n100/ssm/attractors.json
python cli.py score-error results/medium/hd-uniform/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n100/ssm/score_error.json
python cli.py train --variant denoiser --data hd-uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1000/denoiser/run_a --out results/medium/hd-uniform/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1000/denoiser/run_b --out results/medium/hd-uniform/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1000/denoiser/traj_a.h5 results/medium/hd-uniform/n1000/denoiser/traj_b.h5 --json results/medium/hd-uniform/n1000/denoiser/diverge.json
python cli.py quality results/medium/hd-uniform/n1000/denoiser/traj_a.h5 --json results/medium/hd-uniform/n1000/denoiser/quality.json
python cli.py attractors results/medium/hd-uniform/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1000/denoiser/attractors.json
python cli.py score-error results/medium/hd-uniform/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1000/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1000/ncsn/run_a --out results/medium/hd-uniform/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1000/ncsn/run_b --out results/medium/hd-uniform/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1000/ncsn/traj_a.h5 results/medium/hd-uniform/n1000/ncsn/traj_b.h5 --json results/medium/hd-uniform/n1000/ncsn/diverge.json
python cli.py quality results/medium/hd-uniform/n1000/ncsn/traj_a.h5 --json results/medium/hd-uniform/n1000/ncsn/quality.json
python cli.py attractors results/medium/hd-uniform/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1000/ncsn/attractors.json
python cli.py score-error results/medium/hd-uniform/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1000/ncsn/score_error.json
python cli.py train --variant ssm --data hd-uniform --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/ssm/run_a --force
python cli.py train --variant ssm --data hd-uniform --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-uniform/n1000/ssm/run_b --force
python cli.py trajectories results/medium/hd-uniform/n1000/ssm/run_a --out results/medium/hd-uniform/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-uniform/n1000/ssm/run_b --out results/medium/hd-uniform/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-uniform/n1000/ssm/traj_a.h5 results/medium/hd-uniform/n1000/ssm/traj_b.h5 --json results/medium/hd-uniform/n1000/ssm/diverge.json
python cli.py quality results/medium/hd-uniform/n1000/ssm/traj_a.h5 --json results/medium/hd-uniform/n1000/ssm/quality.json
python cli.py attractors results/medium/hd-uniform/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-uniform/n1000/ssm/attractors.json
python cli.py score-error results/medium/hd-uniform/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-uniform/n1000/ssm/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/denoiser/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1/denoiser/run_a --out results/medium/hd-sharpcov/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1/denoiser/run_b --out results/medium/hd-sharpcov/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1/denoiser/traj_a.h5 results/medium/hd-sharpcov/n1/denoiser/traj_b.h5 --json results/medium/hd-sharpcov/n1/denoiser/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1/denoiser/traj_a.h5 --json results/medium/hd-sharpcov/n1/denoiser/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1/denoiser/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/ncsn/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1/ncsn/run_a --out results/medium/hd-sharpcov/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1/ncsn/run_b --out results/medium/hd-sharpcov/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1/ncsn/traj_a.h5 results/medium/hd-sharpcov/n1/ncsn/traj_b.h5 --json results/medium/hd-sharpcov/n1/ncsn/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1/ncsn/traj_a.h5 --json results/medium/hd-sharpcov/n1/ncsn/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1/ncsn/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1/ncsn/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1/ssm/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1/ssm/run_a --out results/medium/hd-sharpcov/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1/ssm/run_b --out results/medium/hd-sharpcov/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1/ssm/traj_a.h5 results/medium/hd-sharpcov/n1/ssm/traj_b.h5 --json results/medium/hd-sharpcov/n1/ssm/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1/ssm/traj_a.h5 --json results/medium/hd-sharpcov/n1/ssm/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1/ssm/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1/ssm/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/denoiser/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n10/denoiser/run_a --out results/medium/hd-sharpcov/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n10/denoiser/run_b --out results/medium/hd-sharpcov/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n10/denoiser/traj_a.h5 results/medium/hd-sharpcov/n10/denoiser/traj_b.h5 --json results/medium/hd-sharpcov/n10/denoiser/diverge.json
python cli.py quality results/medium/hd-sharpcov/n10/denoiser/traj_a.h5 --json results/medium/hd-sharpcov/n10/denoiser/quality.json
python cli.py attractors results/medium/hd-sharpcov/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n10/denoiser/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n10/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/ncsn/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n10/ncsn/run_a --out results/medium/hd-sharpcov/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n10/ncsn/run_b --out results/medium/hd-sharpcov/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n10/ncsn/traj_a.h5 results/medium/hd-sharpcov/n10/ncsn/traj_b.h5 --json results/medium/hd-sharpcov/n10/ncsn/diverge.json
python cli.py quality results/medium/hd-sharpcov/n10/ncsn/traj_a.h5 --json results/medium/hd-sharpcov/n10/ncsn/quality.json
python cli.py attractors results/medium/hd-sharpcov/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n10/ncsn/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n10/ncsn/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n10/ssm/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n10/ssm/run_a --out results/medium/hd-sharpcov/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n10/ssm/run_b --out results/medium/hd-sharpcov/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n10/ssm/traj_a.h5 results/medium/hd-sharpcov/n10/ssm/traj_b.h5 --json results/medium/hd-sharpcov/n10/ssm/diverge.json
python cli.py quality results/medium/hd-sharpcov/n10/ssm/traj_a.h5 --json results/medium/hd-sharpcov/n10/ssm/quality.json
python cli.py attractors results/medium/hd-sharpcov/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n10/ssm/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n10/ssm/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/denoiser/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n100/denoiser/run_a --out results/medium/hd-sharpcov/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n100/denoiser/run_b --out results/medium/hd-sharpcov/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n100/denoiser/traj_a.h5 results/medium/hd-sharpcov/n100/denoiser/traj_b.h5 --json results/medium/hd-sharpcov/n100/denoiser/diverge.json
python cli.py quality results/medium/hd-sharpcov/n100/denoiser/traj_a.h5 --json results/medium/hd-sharpcov/n100/denoiser/quality.json
python cli.py attractors results/medium/hd-sharpcov/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n100/denoiser/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n100/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/ncsn/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n100/ncsn/run_a --out results/medium/hd-sharpcov/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n100/ncsn/run_b --out results/medium/hd-sharpcov/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n100/ncsn/traj_a.h5 results/medium/hd-sharpcov/n100/ncsn/traj_b.h5 --json results/medium/hd-sharpcov/n100/ncsn/diverge.json
python cli.py quality results/medium/hd-sharpcov/n100/ncsn/traj_a.h5 --json results/medium/hd-sharpcov/n100/ncsn/quality.json
python cli.py attractors results/medium/hd-sharpcov/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n100/ncsn/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n100/ncsn/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n100/ssm/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n100/ssm/run_a --out results/medium/hd-sharpcov/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n100/ssm/run_b --out results/medium/hd-sharpcov/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n100/ssm/traj_a.h5 results/medium/hd-sharpcov/n100/ssm/traj_b.h5 --json results/medium/hd-sharpcov/n100/ssm/diverge.json
python cli.py quality results/medium/hd-sharpcov/n100/ssm/traj_a.h5 --json results/medium/hd-sharpcov/n100/ssm/quality.json
python cli.py attractors results/medium/hd-sharpcov/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n100/ssm/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n100/ssm/score_error.json
python cli.py train --variant denoiser --data hd-sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data hd-sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1000/denoiser/run_a --out results/medium/hd-sharpcov/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1000/denoiser/run_b --out results/medium/hd-sharpcov/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1000/denoiser/traj_a.h5 results/medium/hd-sharpcov/n1000/denoiser/traj_b.h5 --json results/medium/hd-sharpcov/n1000/denoiser/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1000/denoiser/traj_a.h5 --json results/medium/hd-sharpcov/n1000/denoiser/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1000/denoiser/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1000/denoiser/score_error.json
python cli.py train --variant ncsn --data hd-sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data hd-sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1000/ncsn/run_a --out results/medium/hd-sharpcov/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1000/ncsn/run_b --out results/medium/hd-sharpcov/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1000/ncsn/traj_a.h5 results/medium/hd-sharpcov/n1000/ncsn/traj_b.h5 --json results/medium/hd-sharpcov/n1000/ncsn/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1000/ncsn/traj_a.h5 --json results/medium/hd-sharpcov/n1000/ncsn/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1000/ncsn/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1000/ncsn/score_error.json
python cli.py train --variant ssm --data hd-sharpcov --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/ssm/run_a --force
python cli.py train --variant ssm --data hd-sharpcov --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/hd-sharpcov/n1000/ssm/run_b --force
python cli.py trajectories results/medium/hd-sharpcov/n1000/ssm/run_a --out results/medium/hd-sharpcov/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/hd-sharpcov/n1000/ssm/run_b --out results/medium/hd-sharpcov/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/hd-sharpcov/n1000/ssm/traj_a.h5 results/medium/hd-sharpcov/n1000/ssm/traj_b.h5 --json results/medium/hd-sharpcov/n1000/ssm/diverge.json
python cli.py quality results/medium/hd-sharpcov/n1000/ssm/traj_a.h5 --json results/medium/hd-sharpcov/n1000/ssm/quality.json
python cli.py attractors results/medium/hd-sharpcov/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/hd-sharpcov/n1000/ssm/attractors.json
python cli.py score-error results/medium/hd-sharpcov/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/hd-sharpcov/n1000/ssm/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/denoiser/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1/denoiser/run_a --out results/medium/thinmanifold/n1/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1/denoiser/run_b --out results/medium/thinmanifold/n1/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1/denoiser/traj_a.h5 results/medium/thinmanifold/n1/denoiser/traj_b.h5 --json results/medium/thinmanifold/n1/denoiser/diverge.json
python cli.py quality results/medium/thinmanifold/n1/denoiser/traj_a.h5 --json results/medium/thinmanifold/n1/denoiser/quality.json
python cli.py attractors results/medium/thinmanifold/n1/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1/denoiser/attractors.json
python cli.py score-error results/medium/thinmanifold/n1/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1/denoiser/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/ncsn/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1/ncsn/run_a --out results/medium/thinmanifold/n1/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1/ncsn/run_b --out results/medium/thinmanifold/n1/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1/ncsn/traj_a.h5 results/medium/thinmanifold/n1/ncsn/traj_b.h5 --json results/medium/thinmanifold/n1/ncsn/diverge.json
python cli.py quality results/medium/thinmanifold/n1/ncsn/traj_a.h5 --json results/medium/thinmanifold/n1/ncsn/quality.json
python cli.py attractors results/medium/thinmanifold/n1/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1/ncsn/attractors.json
python cli.py score-error results/medium/thinmanifold/n1/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1/ncsn/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 1 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 1 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1/ssm/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1/ssm/run_a --out results/medium/thinmanifold/n1/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1/ssm/run_b --out results/medium/thinmanifold/n1/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1/ssm/traj_a.h5 results/medium/thinmanifold/n1/ssm/traj_b.h5 --json results/medium/thinmanifold/n1/ssm/diverge.json
python cli.py quality results/medium/thinmanifold/n1/ssm/traj_a.h5 --json results/medium/thinmanifold/n1/ssm/quality.json
python cli.py attractors results/medium/thinmanifold/n1/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1/ssm/attractors.json
python cli.py score-error results/medium/thinmanifold/n1/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1/ssm/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/denoiser/run_b --force
python cli.py trajectories results/medium/thinmanifold/n10/denoiser/run_a --out results/medium/thinmanifold/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n10/denoiser/run_b --out results/medium/thinmanifold/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n10/denoiser/traj_a.h5 results/medium/thinmanifold/n10/denoiser/traj_b.h5 --json results/medium/thinmanifold/n10/denoiser/diverge.json
python cli.py quality results/medium/thinmanifold/n10/denoiser/traj_a.h5 --json results/medium/thinmanifold/n10/denoiser/quality.json
python cli.py attractors results/medium/thinmanifold/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n10/denoiser/attractors.json
python cli.py score-error results/medium/thinmanifold/n10/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n10/denoiser/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/ncsn/run_b --force
python cli.py trajectories results/medium/thinmanifold/n10/ncsn/run_a --out results/medium/thinmanifold/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n10/ncsn/run_b --out results/medium/thinmanifold/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n10/ncsn/traj_a.h5 results/medium/thinmanifold/n10/ncsn/traj_b.h5 --json results/medium/thinmanifold/n10/ncsn/diverge.json
python cli.py quality results/medium/thinmanifold/n10/ncsn/traj_a.h5 --json results/medium/thinmanifold/n10/ncsn/quality.json
python cli.py attractors results/medium/thinmanifold/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n10/ncsn/attractors.json
python cli.py score-error results/medium/thinmanifold/n10/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n10/ncsn/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 10 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 10 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n10/ssm/run_b --force
python cli.py trajectories results/medium/thinmanifold/n10/ssm/run_a --out results/medium/thinmanifold/n10/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n10/ssm/run_b --out results/medium/thinmanifold/n10/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n10/ssm/traj_a.h5 results/medium/thinmanifold/n10/ssm/traj_b.h5 --json results/medium/thinmanifold/n10/ssm/diverge.json
python cli.py quality results/medium/thinmanifold/n10/ssm/traj_a.h5 --json results/medium/thinmanifold/n10/ssm/quality.json
python cli.py attractors results/medium/thinmanifold/n10/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n10/ssm/attractors.json
python cli.py score-error results/medium/thinmanifold/n10/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n10/ssm/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/denoiser/run_b --force
python cli.py trajectories results/medium/thinmanifold/n100/denoiser/run_a --out results/medium/thinmanifold/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n100/denoiser/run_b --out results/medium/thinmanifold/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n100/denoiser/traj_a.h5 results/medium/thinmanifold/n100/denoiser/traj_b.h5 --json results/medium/thinmanifold/n100/denoiser/diverge.json
python cli.py quality results/medium/thinmanifold/n100/denoiser/traj_a.h5 --json results/medium/thinmanifold/n100/denoiser/quality.json
python cli.py attractors results/medium/thinmanifold/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n100/denoiser/attractors.json
python cli.py score-error results/medium/thinmanifold/n100/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n100/denoiser/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/ncsn/run_b --force
python cli.py trajectories results/medium/thinmanifold/n100/ncsn/run_a --out results/medium/thinmanifold/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n100/ncsn/run_b --out results/medium/thinmanifold/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n100/ncsn/traj_a.h5 results/medium/thinmanifold/n100/ncsn/traj_b.h5 --json results/medium/thinmanifold/n100/ncsn/diverge.json
python cli.py quality results/medium/thinmanifold/n100/ncsn/traj_a.h5 --json results/medium/thinmanifold/n100/ncsn/quality.json
python cli.py attractors results/medium/thinmanifold/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n100/ncsn/attractors.json
python cli.py score-error results/medium/thinmanifold/n100/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n100/ncsn/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 100 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 100 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n100/ssm/run_b --force
python cli.py trajectories results/medium/thinmanifold/n100/ssm/run_a --out results/medium/thinmanifold/n100/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n100/ssm/run_b --out results/medium/thinmanifold/n100/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n100/ssm/traj_a.h5 results/medium/thinmanifold/n100/ssm/traj_b.h5 --json results/medium/thinmanifold/n100/ssm/diverge.json
python cli.py quality results/medium/thinmanifold/n100/ssm/traj_a.h5 --json results/medium/thinmanifold/n100/ssm/quality.json
python cli.py attractors results/medium/thinmanifold/n100/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n100/ssm/attractors.json
python cli.py score-error results/medium/thinmanifold/n100/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n100/ssm/score_error.json
python cli.py train --variant denoiser --data thinmanifold --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data thinmanifold --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1000/denoiser/run_a --out results/medium/thinmanifold/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1000/denoiser/run_b --out results/medium/thinmanifold/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1000/denoiser/traj_a.h5 results/medium/thinmanifold/n1000/denoiser/traj_b.h5 --json results/medium/thinmanifold/n1000/denoiser/diverge.json
python cli.py quality results/medium/thinmanifold/n1000/denoiser/traj_a.h5 --json results/medium/thinmanifold/n1000/denoiser/quality.json
python cli.py attractors results/medium/thinmanifold/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1000/denoiser/attractors.json
python cli.py score-error results/medium/thinmanifold/n1000/denoiser/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1000/denoiser/score_error.json
python cli.py train --variant ncsn --data thinmanifold --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data thinmanifold --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1000/ncsn/run_a --out results/medium/thinmanifold/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1000/ncsn/run_b --out results/medium/thinmanifold/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1000/ncsn/traj_a.h5 results/medium/thinmanifold/n1000/ncsn/traj_b.h5 --json results/medium/thinmanifold/n1000/ncsn/diverge.json
python cli.py quality results/medium/thinmanifold/n1000/ncsn/traj_a.h5 --json results/medium/thinmanifold/n1000/ncsn/quality.json
python cli.py attractors results/medium/thinmanifold/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1000/ncsn/attractors.json
python cli.py score-error results/medium/thinmanifold/n1000/ncsn/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1000/ncsn/score_error.json
python cli.py train --variant ssm --data thinmanifold --n 1000 --half a --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/ssm/run_a --force
python cli.py train --variant ssm --data thinmanifold --n 1000 --half b --steps 4000 --batch-size 128 --seed 0 --out results/medium/thinmanifold/n1000/ssm/run_b --force
python cli.py trajectories results/medium/thinmanifold/n1000/ssm/run_a --out results/medium/thinmanifold/n1000/ssm/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py trajectories results/medium/thinmanifold/n1000/ssm/run_b --out results/medium/thinmanifold/n1000/ssm/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 256 --path-substeps 4
python cli.py diverge results/medium/thinmanifold/n1000/ssm/traj_a.h5 results/medium/thinmanifold/n1000/ssm/traj_b.h5 --json results/medium/thinmanifold/n1000/ssm/diverge.json
python cli.py quality results/medium/thinmanifold/n1000/ssm/traj_a.h5 --json results/medium/thinmanifold/n1000/ssm/quality.json
python cli.py attractors results/medium/thinmanifold/n1000/ssm/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 128 --test-starts 128 --json results/medium/thinmanifold/n1000/ssm/attractors.json
python cli.py score-error results/medium/thinmanifold/n1000/ssm/run_a --sigmas 1,0.5,0.25,0.1,0.05 --points 2000 --bins 5 --json results/medium/thinmanifold/n1000/ssm/score_error.json
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 10 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n10/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 10 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n10/denoiser/run_b --force
python cli.py trajectories results/medium/celeba/n10/denoiser/run_a --out results/medium/celeba/n10/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n10/denoiser/run_b --out results/medium/celeba/n10/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n10/denoiser/traj_a.h5 results/medium/celeba/n10/denoiser/traj_b.h5 --json results/medium/celeba/n10/denoiser/diverge.json
python cli.py quality results/medium/celeba/n10/denoiser/traj_a.h5 --json results/medium/celeba/n10/denoiser/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n10/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n10/denoiser/attractors.json
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 10 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n10/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 10 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n10/ncsn/run_b --force
python cli.py trajectories results/medium/celeba/n10/ncsn/run_a --out results/medium/celeba/n10/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n10/ncsn/run_b --out results/medium/celeba/n10/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n10/ncsn/traj_a.h5 results/medium/celeba/n10/ncsn/traj_b.h5 --json results/medium/celeba/n10/ncsn/diverge.json
python cli.py quality results/medium/celeba/n10/ncsn/traj_a.h5 --json results/medium/celeba/n10/ncsn/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n10/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n10/ncsn/attractors.json
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 100 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n100/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 100 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n100/denoiser/run_b --force
python cli.py trajectories results/medium/celeba/n100/denoiser/run_a --out results/medium/celeba/n100/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n100/denoiser/run_b --out results/medium/celeba/n100/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n100/denoiser/traj_a.h5 results/medium/celeba/n100/denoiser/traj_b.h5 --json results/medium/celeba/n100/denoiser/diverge.json
python cli.py quality results/medium/celeba/n100/denoiser/traj_a.h5 --json results/medium/celeba/n100/denoiser/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n100/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n100/denoiser/attractors.json
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 100 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n100/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 100 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n100/ncsn/run_b --force
python cli.py trajectories results/medium/celeba/n100/ncsn/run_a --out results/medium/celeba/n100/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n100/ncsn/run_b --out results/medium/celeba/n100/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n100/ncsn/traj_a.h5 results/medium/celeba/n100/ncsn/traj_b.h5 --json results/medium/celeba/n100/ncsn/diverge.json
python cli.py quality results/medium/celeba/n100/ncsn/traj_a.h5 --json results/medium/celeba/n100/ncsn/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n100/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n100/ncsn/attractors.json
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 1000 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n1000/denoiser/run_a --force
python cli.py train --variant denoiser --data celeba:results/medium/data/celeba80.h5 --n 1000 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n1000/denoiser/run_b --force
python cli.py trajectories results/medium/celeba/n1000/denoiser/run_a --out results/medium/celeba/n1000/denoiser/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n1000/denoiser/run_b --out results/medium/celeba/n1000/denoiser/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n1000/denoiser/traj_a.h5 results/medium/celeba/n1000/denoiser/traj_b.h5 --json results/medium/celeba/n1000/denoiser/diverge.json
python cli.py quality results/medium/celeba/n1000/denoiser/traj_a.h5 --json results/medium/celeba/n1000/denoiser/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n1000/denoiser/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n1000/denoiser/attractors.json
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 1000 --half a --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n1000/ncsn/run_a --force
python cli.py train --variant ncsn --data celeba:results/medium/data/celeba80.h5 --n 1000 --half b --steps 10000 --batch-size 16 --seed 0 --width 8 --resolution 40 --out results/medium/celeba/n1000/ncsn/run_b --force
python cli.py trajectories results/medium/celeba/n1000/ncsn/run_a --out results/medium/celeba/n1000/ncsn/traj_a.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py trajectories results/medium/celeba/n1000/ncsn/run_b --out results/medium/celeba/n1000/ncsn/traj_b.h5 --sigmas 1,0.5,0.25,0.1,0.05 --probes 32 --path-substeps 2
python cli.py diverge results/medium/celeba/n1000/ncsn/traj_a.h5 results/medium/celeba/n1000/ncsn/traj_b.h5 --json results/medium/celeba/n1000/ncsn/diverge.json
python cli.py quality results/medium/celeba/n1000/ncsn/traj_a.h5 --json results/medium/celeba/n1000/ncsn/quality.json --data celeba:results/medium/data/celeba80.h5 --resolution 40
python cli.py attractors results/medium/celeba/n1000/ncsn/run_a --eps 0.05,0.1,0.25 --iters 10 --starts 32 --test-starts 32 --json results/medium/celeba/n1000/ncsn/attractors.json
