; corpus/history/2.6.22-i386/2.6.22-i386-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun ESP () (_ BitVec 32))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x322 (bvsub ESP (_ bv4 32))))
(let ((?x130 (bvadd ?x322 (_ bv4 32))))
(let (($x695 (and (distinct ?x130 ESP) true)))
(let (($x238 (and (distinct (_ bv3238002694 32) (_ bv3238002694 32)) true)))
(let (($x161 (and (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (_ bv3254779904 32)) (_ bv65536 32))) (not (bvult (bvsub (bvsub ESP (_ bv1 32)) (bvadd (_ bv3254779904 32) (_ bv3 32))) (_ bv65536 32))))))
(let (($x562 (= TF (_ bv0 1))))
(let (($x495 (= VM (_ bv0 1))))
(let (($x6 (= DF (_ bv0 1))))
(and $x6 $x495 $x562 $x161 (or $x238 $x695)))))))))))
(check-sat)
