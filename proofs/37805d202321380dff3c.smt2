; corpus/history/5.13-altnot/5.13-x86_64-write_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x3790 (bvsub RSP (_ bv8 64))))
(let ((?x866 (bvadd ?x3790 (_ bv8 64))))
(let (($x903 (and (distinct ?x866 RSP) true)))
(let (($x330 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x1477 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x252 (= TF (_ bv0 1))))
(let (($x804 (= VM (_ bv0 1))))
(let (($x528 (= DF (_ bv0 1))))
(and $x528 $x804 $x252 $x1477 (or $x330 $x903)))))))))))
(check-sat)
