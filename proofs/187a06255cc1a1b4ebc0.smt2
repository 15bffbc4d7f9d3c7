; corpus/history/5.13-altnot/5.13-x86_64-read_cr3.toml: equivalent
(set-logic ALL)
; benchmark generated from python API
(declare-fun RSP () (_ BitVec 64))
(declare-fun TF () (_ BitVec 1))
(declare-fun VM () (_ BitVec 1))
(declare-fun DF () (_ BitVec 1))
(assert
 (let ((?x301 (bvsub RSP (_ bv8 64))))
(let ((?x754 (bvadd ?x301 (_ bv8 64))))
(let (($x866 (and (distinct ?x754 RSP) true)))
(let (($x738 (and (distinct (_ bv18446744071578845191 64) (_ bv18446744071578845191 64)) true)))
(let (($x115 (and (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (_ bv18446744071595622400 64)) (_ bv65536 64))) (not (bvult (bvsub (bvsub RSP (_ bv1 64)) (bvadd (_ bv18446744071595622400 64) (_ bv7 64))) (_ bv65536 64))))))
(let (($x692 (= TF (_ bv0 1))))
(let (($x114 (= VM (_ bv0 1))))
(let (($x840 (= DF (_ bv0 1))))
(and $x840 $x114 $x692 $x115 (or $x738 $x866)))))))))))
(check-sat)
